// Package market owns the Marketplace screen: browsing the store's
// categories, search, product details, buying and subscribing with a
// confirmation step and the driver's PIN, paying for parking at a place
// near the car, the driver's purchases and subscriptions, installing
// downloaded content and switching to an installed theme pack. Every store
// call runs on a goroutine of its own and comes back through fyne.Do;
// buying and text entry are locked while the car moves. It must not talk
// to the store except through app/market.
package market

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	ftheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	appmarket "github.com/fascia-hmi/fascia/app/market"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/widgets"
)

func init() {
	ui.Register(ui.Screen{Name: "market", Title: "Store", Icon: ftheme.StorageIcon(), Order: 70, New: func(env *ui.Env) fyne.CanvasObject { return New(env).Content() }})
}

// Tabs of the screen.
const (
	TabBrowse    = "browse"
	TabPurchases = "purchases"
	TabParking   = "parking"
)

// StaleAfter is how old a catalog may be before the screen fetches it again.
const StaleAfter = 10 * time.Minute

// Screen is the Marketplace's widgets, exported for tests. It is itself
// the screen's canvas object.
type Screen struct {
	widget.BaseWidget

	Status      *widget.Label
	Tabs        *widgets.Segmented
	Search      *widgets.TouchEntry
	SearchGuard *ui.Guarded
	Categories  *fyne.Container
	Products    *fyne.Container
	Detail      *fyne.Container // the right-hand pane: product, place or purchases
	Flow        *fyne.Container // a purchase in progress, over the whole screen
	Actions     *ui.Guarded     // buying, locked while moving

	env      *ui.Env
	client   *appmarket.Client
	content  fyne.CanvasObject
	left     *fyne.Container
	browse   *fyne.Container
	tab      string
	category string
	selected string
	place    string
	minutes  int
	history  []appmarket.Purchase
	subs     []appmarket.Subscription
	histErr  error
	settled  atomic.Uint64
}

// New builds the screen and, when the catalog in memory is missing or
// stale, fetches it in the background.
func New(env *ui.Env) *Screen {
	s := &Screen{env: env, client: env.Cockpit.Market, tab: TabBrowse, minutes: 60}
	s.ExtendBaseWidget(s)
	s.Status = widget.NewLabel("")
	s.Status.Wrapping = fyne.TextWrapWord
	s.Tabs = widgets.NewSegmented([]string{TabBrowse, TabPurchases, TabParking}, []string{"Browse", "My purchases", "Parking"}, func(t string) {
		s.tab = t
		s.selected = ""
		if t == TabPurchases {
			s.loadHistory()
		}
		s.render()
	})
	s.Tabs.SetSelected(TabBrowse)
	s.Search = widgets.NewTouchEntry()
	s.Search.SetPlaceHolder("Search the store")
	s.Search.OnChanged = func(string) { s.renderList() }
	s.SearchGuard = env.Lockout.Guard(s.Search)
	s.Categories = container.NewHBox()
	s.Products = container.NewVBox()
	s.Detail = container.NewStack()
	s.Flow = container.NewStack()
	s.left = container.NewBorder(container.NewVBox(s.Status, container.NewHScroll(s.Categories)), nil, nil, nil, container.NewVScroll(s.Products))
	split := container.New(&splitLayout{frac: 0.42}, s.left, container.NewPadded(s.Detail))
	s.browse = container.NewBorder(container.NewBorder(nil, nil, nil, s.Tabs, s.SearchGuard), nil, nil, nil, split)
	s.Flow.Hide()
	s.content = container.NewStack(s.browse, container.NewPadded(s.Flow))
	s.client.OnChange(func() { fyne.Do(s.renderStatus) })
	s.render()
	if !s.client.Loaded() || s.client.ShouldRefresh(StaleAfter) {
		s.refresh()
	}
	return s
}

// Content is the screen's root object.
func (s *Screen) Content() fyne.CanvasObject { return s }

// CreateRenderer implements fyne.Widget.
func (s *Screen) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.content) }

// Settled counts the store calls whose results the screen has shown; a
// test waits for it to move before looking at the widgets.
func (s *Screen) Settled() uint64 { return s.settled.Load() }

// do applies a store call's result on the UI goroutine.
func (s *Screen) do(f func()) {
	fyne.Do(func() {
		f()
		s.settled.Add(1)
	})
}

// refresh fetches catalog and entitlements off the UI goroutine.
func (s *Screen) refresh() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if !s.client.Loaded() {
			s.client.Load()
			fyne.Do(s.render)
			if s.client.ActiveTheme() != "" {
				ApplySavedTheme(s.env)
			}
		}
		_, err := s.client.RefreshCatalog(ctx)
		if err == nil {
			_ = s.client.RefreshEntitlements(ctx)
		}
		fyne.Do(s.render)
	}()
}

func (s *Screen) loadHistory() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		h, err := s.client.History(ctx)
		var subs []appmarket.Subscription
		if err == nil {
			subs, err = s.client.Subscriptions(ctx)
		}
		s.do(func() {
			s.history, s.subs, s.histErr = h, subs, err
			if s.tab == TabPurchases {
				s.render()
			}
		})
	}()
}

// StatusText says whether the store is reachable and what the catalog is.
func StatusText(st appmarket.State, cat *appmarket.Catalog) string {
	switch {
	case st == appmarket.Offline && cat != nil:
		return "Offline — showing the catalog saved " + cat.FetchedAt.Local().Format("2 Jan 15:04") + ". Buying needs the store."
	case st == appmarket.Offline:
		return "Store unreachable — no saved catalog yet."
	case cat == nil:
		return "Connecting to the store…"
	}
	return "Store online"
}

func (s *Screen) renderStatus() {
	st, _ := s.client.State()
	cat := s.client.Catalog()
	s.Status.SetText(StatusText(st, cat))
	if st == appmarket.Offline {
		s.Status.Importance = widget.WarningImportance
	} else {
		s.Status.Importance = widget.MediumImportance
	}
	s.Status.Refresh()
}

func (s *Screen) render() {
	s.renderStatus()
	s.renderCategories()
	s.renderList()
	s.renderDetail()
}

func (s *Screen) renderCategories() {
	s.Categories.RemoveAll()
	cat := s.client.Catalog()
	if s.tab != TabBrowse || cat == nil {
		return
	}
	add := func(id, title string) {
		b := widgets.NewTouchButton(title, nil, func() { s.category = id; s.selected = ""; s.render() })
		b.SetSelected(s.category == id)
		s.Categories.Add(b)
	}
	add("", "All")
	for _, c := range cat.Categories() {
		add(c.ID, c.Title)
	}
}

func (s *Screen) renderList() {
	s.Products.RemoveAll()
	s.SearchGuard.Show()
	switch s.tab {
	case TabBrowse:
		cat := s.client.Catalog()
		if cat == nil {
			return
		}
		for _, p := range cat.Search(s.category, s.Search.Text) {
			id := p.ID
			b := widgets.NewTouchButton(p.Title+"   "+PriceText(p), nil, func() { s.selected = id; s.renderList(); s.renderDetail() })
			b.SetSelected(s.selected == id)
			s.Products.Add(b)
		}
	case TabParking:
		s.SearchGuard.Hide()
		lat, lon, ok := s.position()
		for _, pl := range appmarket.PlacesNear("parking", lat, lon, ok) {
			id := pl.ID
			text := pl.Name
			if !math.IsNaN(pl.Meters) {
				text += "   " + Distance(pl.Meters, s.env.Units().Distance)
			}
			b := widgets.NewTouchButton(text, nil, func() { s.place = id; s.renderList(); s.renderDetail() })
			b.SetSelected(s.place == id)
			s.Products.Add(b)
		}
	case TabPurchases:
		s.SearchGuard.Hide()
	}
}

// position reads the car's position from the Store (in memory).
func (s *Screen) position() (lat, lon float64, ok bool) {
	la, lo := s.env.Store.Get(vss.CurrentLocationLatitude), s.env.Store.Get(vss.CurrentLocationLongitude)
	if la.State == vehicle.NoData || lo.State == vehicle.NoData {
		return 0, 0, false
	}
	return la.Num, lo.Num, true
}

// Distance formats metres in the driver's units.
func Distance(m float64, unit string) string {
	if unit == "mi" {
		if mi := m / 1609.344; mi >= 0.1 {
			return fmt.Sprintf("%.1f mi", mi)
		}
		return fmt.Sprintf("%.0f ft", m/0.3048)
	}
	if m >= 1000 {
		return fmt.Sprintf("%.1f km", m/1000)
	}
	return fmt.Sprintf("%.0f m", math.Round(m/10)*10)
}

// Bytes formats a file size.
func Bytes(n int64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Money formats minor units of a currency.
func Money(amount int64, currency string) string {
	sym := map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}[currency]
	v := fmt.Sprintf("%d.%02d", amount/100, amount%100)
	if sym != "" {
		return sym + v
	}
	return v + " " + currency
}

// PriceText is a product's price as listed.
func PriceText(p appmarket.Product) string {
	switch {
	case p.Service != nil:
		return "pay per use"
	case p.Period == "monthly":
		return Money(p.Price.Amount, p.Price.Currency) + " / month"
	case p.Period == "yearly":
		return Money(p.Price.Amount, p.Price.Currency) + " / year"
	case p.Price.Amount == 0:
		return "free"
	}
	return Money(p.Price.Amount, p.Price.Currency)
}

func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	l.SizeName = ftheme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (s *Screen) setDetail(objs ...fyne.CanvasObject) {
	s.endFlow()
	s.Detail.RemoveAll()
	s.Detail.Add(container.NewVScroll(container.NewVBox(objs...)))
}

// setDetailActions shows objs with actions kept in view below them.
func (s *Screen) setDetailActions(actions fyne.CanvasObject, objs ...fyne.CanvasObject) {
	s.endFlow()
	s.Detail.RemoveAll()
	s.Detail.Add(container.NewBorder(nil, actions, nil, nil, container.NewVScroll(container.NewVBox(objs...))))
}

// setFlow shows a step of a purchase over the whole screen: top is the
// step's heading row, body the rest.
func (s *Screen) setFlow(top, body fyne.CanvasObject) {
	s.Flow.RemoveAll()
	s.Flow.Add(container.NewBorder(top, nil, nil, nil, body))
	s.browse.Hide()
	s.Flow.Show()
}

func (s *Screen) endFlow() {
	if s.Flow.Visible() {
		s.Flow.Hide()
		s.Flow.RemoveAll()
		s.browse.Show()
	}
}

// flowText is a purchase step of heading and text with buttons below.
func (s *Screen) flowText(title string, lines []fyne.CanvasObject, buttons ...fyne.CanvasObject) {
	body := container.NewVScroll(container.NewVBox(lines...))
	var bottom fyne.CanvasObject
	if len(buttons) > 0 {
		bottom = s.guard(container.NewGridWithColumns(len(buttons), buttons...))
	}
	s.setFlow(heading(title), container.NewBorder(nil, bottom, nil, nil, body))
}

func (s *Screen) guard(obj fyne.CanvasObject) fyne.CanvasObject {
	s.Actions = s.env.Lockout.Guard(obj)
	return s.Actions
}

func (s *Screen) renderDetail() {
	switch s.tab {
	case TabPurchases:
		s.renderPurchases()
		return
	case TabParking:
		s.renderParking()
		return
	}
	cat := s.client.Catalog()
	if cat == nil {
		s.setDetail(para("The catalog appears here once the store answers."))
		return
	}
	p, ok := cat.Product(s.selected)
	if !ok {
		s.setDetail(heading("Marketplace"), para("Apps, live services, map regions and theme packs for this car. Pick a product on the left."))
		return
	}
	objs := []fyne.CanvasObject{heading(p.Title), para(PriceText(p) + taxText(p)), para(p.Description)}
	e, owned := s.entitlement(p.ID)
	switch {
	case owned && p.Kind == "subscription":
		objs = append(objs, para("Subscribed — renews or ends on "+e.ValidUntil.Local().Format("2 Jan 2006")))
	case owned:
		objs = append(objs, para("Owned — licence valid until "+e.ValidUntil.Local().Format("2 Jan 2006")))
	}
	var acts []fyne.CanvasObject
	if p.Content != nil {
		objs = append(objs, para(fmt.Sprintf("Download: %s, %s, signed by the store", p.Content.File, Bytes(p.Content.Size))))
	}
	switch {
	case p.Service != nil:
		acts = append(acts, widgets.NewTouchButton("Choose a place", nil, func() { s.Tabs.SetSelected(TabParking); s.tab = TabParking; s.render() }))
	case !owned:
		verb := "Buy"
		if p.Kind == "subscription" {
			verb = "Subscribe"
		}
		acts = append(acts, widgets.NewTouchButton(verb+" — "+PriceText(p), nil, func() { s.confirm(p, nil) }))
	case p.Content != nil && !s.client.Installed(p):
		acts = append(acts, widgets.NewTouchButton("Download and install", nil, func() { s.install(p) }))
	case p.Content != nil && appmarket.ContentKind(p.Content.File) == appmarket.ContentTheme:
		acts = append(acts, s.themeButtons(p)...)
	}
	if len(acts) > 0 {
		s.setDetailActions(s.guard(container.NewVBox(acts...)), objs...)
		return
	}
	s.setDetail(objs...)
}

func taxText(p appmarket.Product) string {
	if p.Service != nil || p.Price.TaxRateBP == 0 {
		return ""
	}
	return fmt.Sprintf(" (incl. %g%% VAT)", float64(p.Price.TaxRateBP)/100)
}

// entitlement answers from memory once the client has loaded its files
// (before that, nothing counts as owned: no disk I/O here).
func (s *Screen) entitlement(id string) (appmarket.Entitlement, bool) {
	if !s.client.Loaded() {
		return appmarket.Entitlement{}, false
	}
	return s.client.EntitlementFor(id)
}

// driver is the current driver's store ID.
func (s *Screen) driver() string {
	r := s.env.Store.Get(vss.OccupantRow1DriverSideIdentifierSubject)
	return DriverID(r.Str)
}

var notID = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// DriverID turns a driver's name into the store's driver ID.
func DriverID(name string) string {
	id := strings.Trim(notID.ReplaceAllString(strings.TrimSpace(name), "-"), "-")
	if len(id) > 32 {
		id = id[:32]
	}
	if id == "" {
		return appmarket.DefaultDriver
	}
	return strings.ToLower(id)
}

// confirm is the confirmation step before the PIN.
func (s *Screen) confirm(p appmarket.Product, svc *appmarket.ServiceOrder) {
	amount := p.Price.Amount
	what := p.Title
	if svc != nil {
		amount = svc.Amount
		what = fmt.Sprintf("%s at %s, %d min", p.Title, svc.PlaceName, svc.Minutes)
	}
	text := fmt.Sprintf("Pay %s for %s with the card ending %s, as %s?", Money(amount, p.Price.Currency), what, s.client.Card(), s.driver())
	if p.Period != "" {
		text = fmt.Sprintf("Subscribe to %s for %s, renewed %s until you cancel, with the card ending %s, as %s?", p.Title, PriceText(p), p.Period, s.client.Card(), s.driver())
	}
	s.flowText("Confirm", []fyne.CanvasObject{para(text)},
		widgets.NewTouchButton("Cancel", nil, s.renderDetail),
		widgets.NewTouchButton("Continue", nil, func() { s.askPIN(appmarket.NewIntent(p.ID, s.driver(), "", svc), "") }))
}

// pad shows a PIN pad step: title and note on the heading row.
func (s *Screen) pad(title, note string, min, max int, done func(string)) {
	pad := NewPinPad(min, max, done, s.renderDetail)
	h := heading(title)
	h.Wrapping = fyne.TextWrapOff
	var top fyne.CanvasObject = h
	if note != "" {
		top = container.NewBorder(nil, nil, h, nil, para(note))
	}
	s.setFlow(top, s.guard(pad.Object()))
}

// askPIN asks for the driver's PIN, then pays.
func (s *Screen) askPIN(in appmarket.Intent, note string) {
	s.pad("PIN for "+in.Driver, note, 4, 8, func(pin string) {
		in.PIN = pin
		s.pay(in)
	})
}

func (s *Screen) working(text string) {
	s.setFlow(heading(text), container.NewVBox(widget.NewProgressBarInfinite()))
}

// pay runs the purchase off the UI goroutine.
func (s *Screen) pay(in appmarket.Intent) {
	if s.env.Lockout.Locked() {
		return
	}
	s.working("Paying…")
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		p, err := s.client.Buy(ctx, in)
		s.do(func() { s.result(in, p, err) })
	}()
}

func (s *Screen) result(in appmarket.Intent, p appmarket.Purchase, err error) {
	done := widgets.NewTouchButton("Done", nil, s.renderDetail)
	switch {
	case appmarket.IsCode(err, "pin_not_set"):
		s.setPIN(in)
	case appmarket.IsCode(err, "wrong_pin"):
		in.PIN = ""
		s.askPIN(in, "Wrong PIN. Try again.")
	case appmarket.IsCode(err, "pin_locked"):
		s.flowText("PIN locked", []fyne.CanvasObject{para("Too many wrong PINs: purchases for " + in.Driver + " are locked for 15 minutes.")}, done)
	case errors.Is(err, appmarket.ErrUnreachable):
		s.flowText("Store unreachable", []fyne.CanvasObject{para("Buying needs the store, and it does not answer. Nothing was charged; try again when the car is online.")}, done)
	case appmarket.IsCode(err, "payment_timeout"):
		s.flowText("The bank did not answer", []fyne.CanvasObject{para("Try again later: a payment that went through is found, never charged twice.")},
			widgets.NewTouchButton("Cancel", nil, s.renderDetail), widgets.NewTouchButton("Try again", nil, func() { s.pay(in) }))
	case err != nil:
		s.flowText("Not bought", []fyne.CanvasObject{para(err.Error())}, done)
	case p.Status == appmarket.RequiresConfirmation:
		s.pad("Bank code", "Enter the 6-digit code your bank sent.", 6, 6, func(code string) {
			s.working("Confirming…")
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				q, err := s.client.Confirm(ctx, p.ID, code)
				s.do(func() { s.result(in, q, err) })
			}()
		})
	case p.Status == appmarket.Declined:
		s.flowText("Declined", []fyne.CanvasObject{para("The card was declined (" + strings.ReplaceAll(p.DeclineCode, "_", " ") + "). Nothing was charged.")}, done)
	default:
		s.flowText("Paid", receiptLines(p), done)
	}
}

func receiptLines(p appmarket.Purchase) []fyne.CanvasObject {
	out := []fyne.CanvasObject{para(p.Title)}
	if p.PlaceName != "" {
		out = append(out, para(fmt.Sprintf("%s, %d min", p.PlaceName, p.Minutes)))
	}
	if r := p.Receipt; r != nil {
		out = append(out, para(fmt.Sprintf("Receipt %s · %s (%s tax) · card %s", r.Number, Money(r.Total, r.Currency), Money(r.Tax, r.Currency), r.CardLast4)))
	}
	if e := p.Entitlement; e != nil {
		out = append(out, para("Valid until "+e.ValidUntil.Local().Format("2 Jan 2006 15:04")))
	}
	return out
}

// setPIN asks the driver to choose a PIN, then buys.
func (s *Screen) setPIN(in appmarket.Intent) {
	s.pad("New PIN for "+in.Driver, "Purchases need it: 4 to 8 digits.", 4, 8, func(pin string) {
		s.working("Saving the PIN…")
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := s.client.SetPIN(ctx, in.Driver, pin, "")
			s.do(func() {
				if err != nil {
					s.result(in, appmarket.Purchase{}, err)
					return
				}
				in.PIN = pin
				s.pay(in)
			})
		}()
	})
}

func (s *Screen) install(p appmarket.Product) {
	bar := widget.NewProgressBar()
	s.setDetail(heading("Downloading "+p.Title), bar)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var last time.Time
		path, err := s.client.Download(ctx, p, func(done, total int64) {
			if time.Since(last) > 100*time.Millisecond || done == total {
				last = time.Now()
				fyne.Do(func() { bar.SetValue(float64(done) / float64(total)) })
			}
		})
		if err == nil && appmarket.ContentKind(p.Content.File) == appmarket.ContentMap {
			// The region shows on the map now, not after a restart.
			if m := s.env.Cockpit.Map; m != nil {
				if aerr := m.AddRegion(path); aerr != nil {
					err = fmt.Errorf("installed, but the map could not open it: %w", aerr)
				}
			}
		}
		s.do(func() {
			if err != nil {
				s.setDetail(heading("Not installed"), para(err.Error()), widgets.NewTouchButton("Back", nil, s.renderDetail))
				return
			}
			s.renderDetail()
		})
	}()
}

func (s *Screen) renderParking() {
	cat := s.client.Catalog()
	var prod appmarket.Product
	ok := false
	if cat != nil {
		prod, ok = cat.Product("service.parking")
	}
	if !ok {
		s.setDetail(heading("Parking"), para("The store's parking service is not in the catalog yet."))
		return
	}
	var place appmarket.Place
	for _, p := range appmarket.Places {
		if p.ID == s.place {
			place = p
		}
	}
	if place.ID == "" {
		s.setDetail(heading("Pay for parking"), para("Pick a car park near you on the left."))
		return
	}
	durations := []string{"30", "60", "120", "240"}
	seg := widgets.NewSegmented(durations, []string{"30 min", "1 h", "2 h", "4 h"}, func(v string) {
		fmt.Sscan(v, &s.minutes)
		s.renderParking()
	})
	seg.SetSelected(fmt.Sprint(s.minutes))
	order, err := appmarket.ParkingOrder(prod, place, s.minutes)
	objs := []fyne.CanvasObject{heading(place.Name), para(fmt.Sprintf("%s per hour", Money(place.Rate, prod.Price.Currency))), seg}
	if e, ok := s.entitlement(prod.ID); ok && e.Place == place.ID {
		objs = append(objs, para("Paid here until "+e.ValidUntil.Local().Format("15:04")))
	}
	if err != nil {
		s.setDetail(append(objs, para(err.Error()))...)
		return
	}
	s.setDetailActions(s.guard(widgets.NewTouchButton("Pay "+Money(order.Amount, prod.Price.Currency), nil, func() { s.confirm(prod, order) })), objs...)
}

// title is a product's title from the catalog, else its ID.
func (s *Screen) title(id string) string {
	if cat := s.client.Catalog(); cat != nil {
		if p, ok := cat.Product(id); ok {
			return p.Title
		}
	}
	return id
}

func (s *Screen) renderPurchases() {
	var objs []fyne.CanvasObject
	objs = append(objs, heading("Subscriptions"))
	if s.histErr != nil {
		objs = append(objs, para("Store unreachable — showing the licences saved in the car."))
	}
	for _, sb := range s.subs {
		state := "renews " + sb.CurrentPeriodEnd.Local().Format("2 Jan 2006")
		if sb.CancelAtPeriodEnd {
			state = "ends " + sb.CurrentPeriodEnd.Local().Format("2 Jan 2006")
		}
		if sb.Status != "active" {
			state = sb.Status
		}
		objs = append(objs, para(fmt.Sprintf("%s — %s, %s %s", s.title(sb.Product), state, Money(sb.Amount, sb.Currency), sb.Period)))
	}
	if len(s.subs) == 0 && s.histErr == nil {
		objs = append(objs, para("None."))
	}
	objs = append(objs, heading("Licences in this car"))
	now := s.client.Now()
	var ents []appmarket.Entitlement
	if s.client.Loaded() {
		ents = s.client.Entitlements()
	}
	for _, e := range ents {
		st := "valid until " + e.ValidUntil.Local().Format("2 Jan 2006 15:04")
		if !e.Valid(now) {
			st = "expired " + e.ValidUntil.Local().Format("2 Jan 2006 15:04")
		}
		what := s.title(e.Product)
		if e.Place != "" {
			what += " (" + e.Place + ")"
		}
		objs = append(objs, para(what+" — "+st))
	}
	if len(s.history) > 0 {
		objs = append(objs, heading("Purchases"))
		for _, p := range s.history {
			line := fmt.Sprintf("%s · %s · %s · %s", p.CreatedAt.Local().Format("2 Jan 15:04"), p.Title, Money(p.Amount, p.Currency), p.Status)
			if p.Receipt != nil {
				line += " · receipt " + p.Receipt.Number
			}
			objs = append(objs, para(line))
		}
	}
	s.setDetail(objs...)
}

// splitLayout puts two objects side by side, the first taking frac of the
// width.
type splitLayout struct{ frac float32 }

func (l *splitLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(a.Width+b.Width, fyne.Max(a.Height, b.Height))
}

func (l *splitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := size.Width * l.frac
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(w, size.Height))
	objs[1].Move(fyne.NewPos(w, 0))
	objs[1].Resize(fyne.NewSize(size.Width-w, size.Height))
}

var _ fyne.Layout = (*splitLayout)(nil)
