#!/usr/bin/env python3
"""Builds a sea polygon shapefile from the OSM coastline of an extract.

Usage: coast2shp.py COASTLINE.geojson MINLON,MINLAT,MAXLON,MAXLAT OUT.shp

COASTLINE.geojson holds the extract's natural=coastline ways (osmium
export). OSM draws coastlines with the land on the left, so the water is on
the right of the joined chain. An extract cuts the chain open; the water is
closed off through the extract's data bounds: past each end the shore is
taken to go on in the direction it runs there (over its last ~400 m) to the
bounds, and the water side of the bounds closes the ring.
Closed coastline rings inside it (islands, breakwaters) become holes. Writes
OUT.shp, .shx and .dbf (one polygon record, field "id"), the format
tilemaker reads for its ocean layer. Exits non-zero with a message when the
coastline does not form one open chain.
"""
import json
import struct
import sys


def fail(msg):
    sys.exit("coast2shp: " + msg)


def lines(path):
    d = json.load(open(path))
    out = []
    for f in d.get("features", []):
        g = f["geometry"]
        if g["type"] == "LineString":
            out.append([tuple(p) for p in g["coordinates"]])
    return out


def join(ways):
    """Joins ways end to start into chains; returns (open chains, rings)."""
    ways = [w for w in ways if len(w) >= 2]
    rings = [w for w in ways if w[0] == w[-1]]
    rest = [w for w in ways if w[0] != w[-1]]
    chains = []
    while rest:
        c = rest.pop(0)
        grown = True
        while grown:
            grown = False
            for i, w in enumerate(rest):
                if w[0] == c[-1]:
                    c = c + w[1:]
                elif w[-1] == c[0]:
                    c = w[:-1] + c
                else:
                    continue
                rest.pop(i)
                grown = True
                break
        if c[0] == c[-1]:
            rings.append(c)
        else:
            chains.append(c)
    return chains, rings


def area2(ring):
    """Twice the signed area (positive: counter-clockwise, lon/lat axes)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def inside(p, ring):
    x, y = p
    n = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            n = not n
    return n


def sea(chain, bounds):
    """Closes the chain clockwise (water on the right) through the data
    bounds: each end is carried on in the direction the coast runs there
    until it meets the bounds, and the ring goes round the bounds clockwise
    from the end's exit to the start's."""
    minlon, minlat, maxlon, maxlat = bounds
    for p in chain:
        if not (minlon - 1e-9 <= p[0] <= maxlon + 1e-9 and minlat - 1e-9 <= p[1] <= maxlat + 1e-9):
            fail("the coastline leaves the data bounds at %r" % (p,))
    e_out = exit_point(chain, bounds)
    s_out = exit_point(chain[::-1], bounds)
    ring = list(chain) + [e_out]
    t, stop = perimeter(e_out, bounds), perimeter(s_out, bounds)
    if stop <= t:
        stop += 4
    for c in range(int(t) + 1, int(stop) + 1):  # corners passed, clockwise
        if c < stop:
            ring.append(corner(c % 4, bounds))
    ring += [s_out, chain[0]]
    if area2(ring) > 0:
        fail("the water side came out counter-clockwise: the coastline's direction is not land-left")
    return ring


# Distance back along the coast (degrees) over which its direction at an
# end is taken: long enough to ignore a last jetty, short enough to follow
# the shore's last bend.
DIRECTION_SPAN = 0.004


def exit_point(chain, bounds):
    """Where the coast, carried on from its last point in the direction of
    its last DIRECTION_SPAN, meets the bounds."""
    e = chain[-1]
    j = len(chain) - 2
    while j > 0 and ((e[0] - chain[j][0]) ** 2 + (e[1] - chain[j][1]) ** 2) ** 0.5 < DIRECTION_SPAN:
        j -= 1
    dx, dy = e[0] - chain[j][0], e[1] - chain[j][1]
    if dx == 0 and dy == 0:
        fail("the coastline ends in repeated points at %r" % (e,))
    minlon, minlat, maxlon, maxlat = bounds
    ts = []
    if dx > 0:
        ts.append((maxlon - e[0]) / dx)
    if dx < 0:
        ts.append((minlon - e[0]) / dx)
    if dy > 0:
        ts.append((maxlat - e[1]) / dy)
    if dy < 0:
        ts.append((minlat - e[1]) / dy)
    t = max(0.0, min(ts))
    return (min(maxlon, max(minlon, e[0] + t * dx)), min(maxlat, max(minlat, e[1] + t * dy)))


def perimeter(p, bounds):
    """Position of a point on the bounds going round clockwise (north up):
    0 at the north-west corner, 1 north-east, 2 south-east, 3 south-west."""
    minlon, minlat, maxlon, maxlat = bounds
    w, h = maxlon - minlon, maxlat - minlat
    if abs(p[1] - maxlat) < 1e-12:
        return (p[0] - minlon) / w
    if abs(p[0] - maxlon) < 1e-12:
        return 1 + (maxlat - p[1]) / h
    if abs(p[1] - minlat) < 1e-12:
        return 2 + (maxlon - p[0]) / w
    return 3 + (p[1] - minlat) / h


def corner(i, bounds):
    minlon, minlat, maxlon, maxlat = bounds
    return [(minlon, maxlat), (maxlon, maxlat), (maxlon, minlat), (minlon, minlat)][i]


def write(path, rings, bounds):
    base = path[:-4] if path.endswith(".shp") else path
    pts = [p for r in rings for p in r]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    box = (min(xs), min(ys), max(xs), max(ys))
    parts, n = [], 0
    for r in rings:
        parts.append(n)
        n += len(r)
    content = struct.pack("<i4d2i", 5, *box, len(rings), n)
    content += struct.pack("<%di" % len(parts), *parts)
    content += b"".join(struct.pack("<2d", *p) for p in pts)
    rec = struct.pack(">2i", 1, len(content) // 2) + content

    def header(length_bytes):
        return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_bytes // 2)
                + struct.pack("<2i", 1000, 5) + struct.pack("<8d", *box, 0, 0, 0, 0))

    with open(base + ".shp.tmp", "wb") as f:
        f.write(header(100 + len(rec)) + rec)
    with open(base + ".shx.tmp", "wb") as f:
        f.write(header(108) + struct.pack(">2i", 50, len(content) // 2))
    # dBase III: one numeric field "id".
    field = struct.pack("<11sc4xBB14x", b"id", b"N", 10, 0)
    hdr_len = 32 + 32 + 1
    dbf = struct.pack("<B3BIHH20x", 3, 126, 11, 28, 1, hdr_len, 11) + field + b"\r"
    dbf += b" " + b"%10d" % 1 + b"\x1a"
    with open(base + ".dbf.tmp", "wb") as f:
        f.write(dbf)
    import os
    for ext in (".shp", ".shx", ".dbf"):
        os.replace(base + ext + ".tmp", base + ext)


def main():
    if len(sys.argv) != 4:
        fail("usage: coast2shp.py COASTLINE.geojson MINLON,MINLAT,MAXLON,MAXLAT OUT.shp")
    try:
        bounds = tuple(float(v) for v in sys.argv[2].split(","))
    except ValueError:
        bounds = ()
    if len(bounds) != 4:
        fail("bounds %r: want MINLON,MINLAT,MAXLON,MAXLAT" % sys.argv[2])
    chains, rings = join(lines(sys.argv[1]))
    if len(chains) != 1:
        fail("%s: %d open coastline chains, want exactly 1" % (sys.argv[1], len(chains)))
    outer = sea(chains[0], bounds)
    holes = []
    for r in rings:
        if inside(r[0], outer):
            holes.append(r if area2(r) > 0 else r[::-1])  # holes counter-clockwise
    write(sys.argv[3], [outer] + holes, bounds)
    print("coast2shp: %s: sea of %d points, %d island(s)" % (sys.argv[3], len(outer), len(holes)))


if __name__ == "__main__":
    main()
