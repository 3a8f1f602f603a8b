#!/usr/bin/env python3
"""Writes two hostile PDFs of about 8.5 MB into DIR, each a one-page certificate reading "Gas
Safety Record" plus what an attacker adds: objstm-bomb.pdf holds 2,000 object streams that each
inflate to 4 MiB (8 GiB in all), many-objects.pdf holds 190,000 objects, and heavy-pages.pdf
has ten pages sharing one content stream that inflates to just under 4 MiB of text operators.
Usage: scripts/hostile-pdfs.py DIR"""
import os
import sys
import zlib

def pdf(extra):
    content=b"BT /F1 11 Tf 72 740 Td (Gas Safety Record) Tj ET"
    objs=[b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
      b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objs+=extra
    out=bytearray(b"%PDF-1.5\n"); offs=[]
    for i,o in enumerate(objs):
        offs.append(len(out)); out+=b"%d 0 obj\n" % (i+1) + o + b"\nendobj\n"
    x=len(out); out+=b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs)+1)
    for o in offs: out+=b"%010d 00000 n \n" % o
    out+=b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs)+1, x)
    return bytes(out)
def objstm(n, size):
    head=b"%d 0 " % n
    body=head + b" "*(size-len(head)) + b"null"
    z=zlib.compress(body,9)
    return b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(head), len(z)) + z + b"\nendstream"


def write(name, data):
    path = os.path.join(sys.argv[1], name)
    with open(path, "wb") as f:
        f.write(data)
    print(f"{path}: {len(data):,} bytes")


def pages(count, size):
    """A document of `count` pages whose content streams each inflate to about `size` bytes of
    text-showing operators."""
    ops = b"BT /F1 11 Tf 72 740 Td (Gas Safety Record) Tj ET "
    filler = b"(x) Tj " * (size // 7)
    z = zlib.compress(ops + b"BT " + filler + b"ET", 9)
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    content_at = 3 + count
    font_at = content_at + 1
    for _ in range(count):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_at, font_at))
    objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.5\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


write("objstm-bomb.pdf", pdf([objstm(100000 + i, 4 * 1024 * 1024 - 16) for i in range(2000)]))
write("many-objects.pdf", pdf([b"null"] * 190000))
write("heavy-pages.pdf", pages(10, 4 * 1024 * 1024 - 64))
