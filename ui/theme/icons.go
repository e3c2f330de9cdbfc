package theme

import "fyne.io/fyne/v2"

// The cockpit's icons: 24×24 single-colour SVGs made of filled shapes only
// (holes are drawn with the opposite winding), because Fyne recolours an
// icon by replacing its fills. Drawn for Fascia after the ISO 2575 symbols.
var (
	IconIndicatorLeft  = icon("indicator-left", `<polygon points="1.5,12 10,3.5 10,8.5 22,8.5 22,15.5 10,15.5 10,20.5"/>`)
	IconIndicatorRight = icon("indicator-right", `<polygon points="22.5,12 14,3.5 14,8.5 2,8.5 2,15.5 14,15.5 14,20.5"/>`)
	IconHazard         = icon("hazard", `<path d="M12 1.5 L23.5 21.5 H0.5 Z M12 7.2 L4.9 18.9 H19.1 Z"/>`)
	IconHighBeam       = icon("high-beam", `<path d="M13 4.5 C19.5 4.5 22.5 8.5 22.5 12 C22.5 15.5 19.5 19.5 13 19.5 Z"/>`+
		`<rect x="1.5" y="5.5" width="9.5" height="2.2"/><rect x="1.5" y="10.9" width="9.5" height="2.2"/><rect x="1.5" y="16.3" width="9.5" height="2.2"/>`)
	IconSeatBelt = icon("seat-belt", `<circle cx="12" cy="4.3" r="2.8"/>`+
		`<polygon points="8,9.5 9,8 15,8 17,11 17,18.5"/><polygon points="7,11 17,21 17,22.5 7,22.5"/>`)
	IconDoor = icon("door-open", `<path d="M10 1.5 H14 Q17.5 1.5 17.5 5 V19 Q17.5 22.5 14 22.5 H10 Q6.5 22.5 6.5 19 V5 Q6.5 1.5 10 1.5 Z `+
		`M10.5 3.6 Q8.6 3.6 8.6 5.5 V18.5 Q8.6 20.4 10.5 20.4 H13.5 Q15.4 20.4 15.4 18.5 V5.5 Q15.4 3.6 13.5 3.6 Z"/>`+
		`<rect x="8.6" y="7.5" width="6.8" height="1.8"/><rect x="8.6" y="15.5" width="6.8" height="1.8"/>`+
		`<polygon points="6.5,9 1.2,13.6 2.5,15 6.5,11.6"/>`)
	IconParkingBrake = icon("parking-brake", `<path d="M12 4 A8 8 0 1 1 11.99 4 Z M12 5.8 A6.2 6.2 0 1 0 12.01 5.8 Z"/>`+
		`<rect x="9.6" y="7.8" width="2" height="8.4"/><path d="M11.6 7.8 H13 A2.9 2.9 0 0 1 13 13.6 H11.6 V11.9 H13 A1.2 1.2 0 0 0 13 9.5 H11.6 Z"/>`+
		`<path d="M3.57 4.93 A11 11 0 0 0 3.57 19.07 L4.72 18.11 A9.5 9.5 0 0 1 4.72 5.89 Z"/>`+
		`<path d="M20.43 4.93 A11 11 0 0 1 20.43 19.07 L19.28 18.11 A9.5 9.5 0 0 0 19.28 5.89 Z"/>`)
	IconFuel = icon("fuel", `<path d="M4 20 V4.5 Q4 3 5.5 3 H12.5 Q14 3 14 4.5 V20 Z M6 5 V10 H12 V5 Z"/>`+
		`<rect x="2.5" y="20" width="13" height="2"/>`+
		`<path d="M14 8.2 H16 Q18 8.2 18 10.2 V16.8 Q18 17.8 19 17.8 Q20 17.8 20 16.8 V8.3 L17.4 5.7 L18.5 4.6 L21.6 7.7 V16.8 Q21.6 19.4 19 19.4 Q16.4 19.4 16.4 16.8 V10.3 Q16.4 9.8 15.9 9.8 H14 Z"/>`)
	IconEngine = icon("check-engine", `<path d="M2 10 H4 V8 H7 V6 H15 V8 H17.5 L19.5 10 H22 V16.5 H19.5 L17.5 18.5 H8 L6 16.5 H4 V18.5 H2 Z"/>`)
	IconTyre   = icon("tyre-pressure", `<path d="M5 4.5 Q2 8.5 2 13 Q2 19.2 7 20 H17 Q22 19.2 22 13 Q22 8.5 19 4.5 L17.4 5.6 Q20.1 9.2 20.1 13 Q20.1 17.6 16.6 18.1 H7.4 Q3.9 17.6 3.9 13 Q3.9 9.2 6.6 5.6 Z"/>`+
		`<rect x="11" y="6" width="2" height="7.5"/><rect x="11" y="15" width="2" height="2"/>`+
		`<rect x="6" y="20" width="1.6" height="2"/><rect x="9.5" y="20" width="1.6" height="2"/><rect x="12.9" y="20" width="1.6" height="2"/><rect x="16.4" y="20" width="1.6" height="2"/>`)
	IconBattery = icon("battery", `<path d="M2 7 H22 V20 H2 Z M5 12.5 V14 H10 V12.5 Z `+
		`M16.25 10.75 V12.5 H14.5 V14 H16.25 V15.75 H17.75 V14 H19.5 V12.5 H17.75 V10.75 Z"/>`+
		`<rect x="5" y="4.5" width="3" height="2.5"/><rect x="16" y="4.5" width="3" height="2.5"/>`)
	IconBell = icon("bell", `<path d="M12 2.5 Q13.2 2.5 13.2 3.7 V4.3 Q18 5.3 18 10.5 V15.5 L20.5 18 V19 H3.5 V18 L6 15.5 V10.5 Q6 5.3 10.8 4.3 V3.7 Q10.8 2.5 12 2.5 Z"/>`+
		`<path d="M9.8 20 H14.2 Q14.2 22.2 12 22.2 Q9.8 22.2 9.8 20 Z"/>`)
	IconCar = icon("car", `<path d="M2.5 16.5 V12.5 L5.2 7.3 Q5.8 6.2 7.1 6.2 H16.9 Q18.2 6.2 18.8 7.3 L21.5 12.5 V16.5 H19.4 A2.5 2.5 0 0 0 14.6 16.5 H9.4 A2.5 2.5 0 0 0 4.6 16.5 Z `+
		`M11 8.2 H7.4 L5.8 11.8 H11 Z M18.2 11.8 L16.6 8.2 H13 V11.8 Z"/>`+
		`<circle cx="7" cy="17" r="2"/><circle cx="17" cy="17" r="2"/>`)
	IconMicrophone = icon("microphone", `<rect x="8.5" y="1.5" width="7" height="12.5" rx="3.5"/>`+
		`<path d="M5 10.5 A7 7 0 0 0 19 10.5 H17.4 A5.4 5.4 0 0 1 6.6 10.5 Z"/>`+
		`<rect x="11.2" y="17.3" width="1.6" height="3.4"/><rect x="7.5" y="20.5" width="9" height="1.8" rx="0.9"/>`)
)

func icon(name, body string) fyne.Resource {
	return fyne.NewStaticResource(name+".svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24">`+body+`</svg>`))
}
