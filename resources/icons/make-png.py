#!/usr/bin/env python3
"""Rasterise icon.svg's shapes into icon.png (512x512) with only the standard
library, so the icon can be regenerated without image tools."""
import struct, zlib, math

W = H = 512
px = [[(0, 0, 0, 0)] * W for _ in range(H)]

def rrect(x0, y0, x1, y1, r, inside):
    cx = min(max(inside[0], x0 + r), x1 - r)
    cy = min(max(inside[1], y0 + r), y1 - r)
    return (inside[0] - cx) ** 2 + (inside[1] - cy) ** 2 <= r * r and x0 <= inside[0] <= x1 and y0 <= inside[1] <= y1

def seg_dist(p, a, b):
    ax, ay = a; bx, by = b; x, y = p
    dx, dy = bx - ax, by - ay
    t = max(0, min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))

curve = [(148, 340), (212, 300), (260, 320), (308, 220), (364, 172)]
for y in range(H):
    for x in range(W):
        p = (x + 0.5, y + 0.5)
        c = (0, 0, 0, 0)
        if rrect(32, 32, 480, 480, 72, p):
            c = (0x1f, 0x29, 0x37, 255)
            outer = rrect(102, 102, 410, 410, 34, p)
            inner = rrect(122, 122, 390, 390, 14, p)
            if outer and not inner:
                c = (0x60, 0xa5, 0xfa, 255)
            if min(seg_dist(p, curve[i], curve[i + 1]) for i in range(len(curve) - 1)) <= 11:
                c = (0x34, 0xd3, 0x99, 255)
        px[y][x] = c

raw = b''.join(b'\x00' + bytes(v for c in row for v in c) for row in px)
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
open(__file__.replace('make-png.py', 'icon.png'), 'wb').write(png)
