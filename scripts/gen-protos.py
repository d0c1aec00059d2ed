#!/usr/bin/env python3
"""Writes Eve.Appliance/Api/Proto/**.proto from the field tables in shared/eve-api/WIRE.md (Part C.4).

Why a generator: WIRE.md lists every file, message, field number, type, label and enum value of EVE's
API as facts taken from the compiled upstream descriptors. Transcribing ~430 messages by hand invites
exactly the off-by-one field numbers that break wire compatibility; reading the tables does not.
The generated .proto files are committed (the build does not need WIRE.md); rerun this script when
WIRE.md changes:  python3 scripts/gen-protos.py ../shared/eve-api/WIRE.md Eve.Appliance/Api/Proto
"""
import os
import re
import sys

FILE_RE = re.compile(r"^### File `([^`]+)` \(package `([^`]+)`\)")
DEF_RE = re.compile(r"^#### (message|enum) `([^`]+)`")
ROW_RE = re.compile(r"^\|\s*(\d+)\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|([^|]*)\|([^|]*)\|")
ONEOF_RE = re.compile(r"^- oneof `([^`]+)` = \{")
RESERVED_NUM_RE = re.compile(r"^- reserved numbers: (.*)$")
RESERVED_NAME_RE = re.compile(r"^- reserved names: (.*)$")
ENUM_VAL_RE = re.compile(r"`([A-Za-z0-9_]+)`=(-?\d+)")


def json_default(name):
    # protoc's ToJsonName: drop '_' and upper-case the following character.
    out, up = [], False
    for ch in name:
        if ch == "_":
            up = True
        elif up:
            out.append(ch.upper())
            up = False
        else:
            out.append(ch)
    return "".join(out)


class Msg:
    def __init__(self, full):
        self.full = full
        self.fields = []           # (num, name, json, type, label)
        self.reserved_nums = []
        self.reserved_names = []
        self.children = []         # nested Msg/Enum


class Enum:
    def __init__(self, full):
        self.full = full
        self.values = []


def parse(path):
    files = []  # dict(path, pkg, imports, defs)
    cur_file = None
    cur_def = None
    expect_enum_values = False
    in_c4 = False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("### C.4"):
            in_c4 = True
            continue
        if not in_c4:
            continue
        m = FILE_RE.match(line)
        if m:
            cur_file = {"path": m.group(1), "pkg": m.group(2), "imports": [], "defs": []}
            files.append(cur_file)
            cur_def = None
            continue
        if cur_file is None:
            continue
        if line.startswith("Imports:"):
            cur_file["imports"] = re.findall(r"`([^`]+)`", line)
            continue
        m = DEF_RE.match(line)
        if m:
            kind, full = m.groups()
            cur_def = Msg(full) if kind == "message" else Enum(full)
            cur_file["defs"].append(cur_def)
            expect_enum_values = kind == "enum"
            continue
        if cur_def is None:
            continue
        if isinstance(cur_def, Enum) and expect_enum_values and line.strip():
            cur_def.values = [(n, int(v)) for n, v in ENUM_VAL_RE.findall(line)]
            expect_enum_values = False
            continue
        if isinstance(cur_def, Msg):
            m = ROW_RE.match(line)
            if m:
                num, name, jname, typ, label, _notes = m.groups()
                cur_def.fields.append((int(num), name, jname, typ, label.strip()))
                continue
            m = RESERVED_NUM_RE.match(line)
            if m:
                for part in m.group(1).split(","):
                    part = part.strip()
                    if part:
                        cur_def.reserved_nums.append(part.replace("-", " to "))
                continue
            m = RESERVED_NAME_RE.match(line)
            if m:
                cur_def.reserved_names = re.findall(r"`([^`]+)`", m.group(1))
    return files


def proto_type(typ):
    typ = typ.strip()
    if typ.startswith("enum "):
        typ = typ[5:]
    if typ.startswith("map<"):
        k, v = typ[4:-1].split(",")
        return "map<%s, %s>" % (proto_type(k), proto_type(v))
    scalars = {"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
               "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"}
    if typ in scalars:
        return typ
    if typ.startswith("org.") or typ.startswith("google."):
        return "." + typ
    return typ


def emit_msg(msg, pkg, out, indent):
    pad = "  " * indent
    short = msg.full[len(pkg) + 1:].split(".")[-1]
    out.append("%smessage %s {" % (pad, short))
    for child in msg.children:
        (emit_msg if isinstance(child, Msg) else emit_enum)(child, pkg, out, indent + 1)
    if msg.reserved_nums:
        out.append("%s  reserved %s;" % (pad, ", ".join(msg.reserved_nums)))
    if msg.reserved_names:
        out.append("%s  reserved %s;" % (pad, ", ".join('"%s"' % n for n in msg.reserved_names)))
    oneofs = {}
    order = []
    for f in msg.fields:
        label = f[4]
        if label.startswith("oneof"):
            oname = re.search(r"`([^`]+)`", label).group(1)
            if oname not in oneofs:
                oneofs[oname] = []
                order.append(("oneof", oname))
            oneofs[oname].append(f)
        else:
            order.append(("field", f))

    def field_line(f, prefix):
        num, name, jname, typ, label = f
        t = proto_type(typ)
        lab = ""
        if label.startswith("repeated"):
            lab = "repeated "
        elif label.startswith("optional"):
            lab = "optional "
        opts = []
        if jname != json_default(name):
            opts.append('json_name = "%s"' % jname)
        opt = (" [%s]" % ", ".join(opts)) if opts else ""
        return "%s%s%s %s = %d%s;" % (prefix, lab, t, name, num, opt)

    for kind, item in order:
        if kind == "field":
            out.append(field_line(item, pad + "  "))
        else:
            out.append("%s  oneof %s {" % (pad, item))
            for f in oneofs[item]:
                out.append(field_line(f, pad + "    "))
            out.append("%s  }" % pad)
    out.append("%s}" % pad)


def emit_enum(en, pkg, out, indent):
    pad = "  " * indent
    short = en.full.split(".")[-1]
    out.append("%senum %s {" % (pad, short))
    nums = [v for _, v in en.values]
    if len(nums) != len(set(nums)):
        out.append("%s  option allow_alias = true;" % pad)
    for name, v in en.values:
        out.append("%s  %s = %d;" % (pad, name, v))
    out.append("%s}" % pad)


def main():
    wire, outdir = sys.argv[1], sys.argv[2]
    files = parse(wire)
    for f in files:
        pkg = f["pkg"]
        by_full = {d.full: d for d in f["defs"]}
        top = []
        for d in f["defs"]:
            rel = d.full[len(pkg) + 1:]
            if "." in rel:
                parent = by_full[pkg + "." + rel.rsplit(".", 1)[0]]
                parent.children.append(d)
            else:
                top.append(d)
        out = ["// Generated by scripts/gen-protos.py from shared/eve-api/WIRE.md (EVE API eve-api c0228666).",
               "// Field numbers, types and names follow EVE's wire format; do not edit by hand.",
               'syntax = "proto3";', "", "package %s;" % pkg, ""]
        for imp in f["imports"]:
            if imp.startswith("validate/"):
                continue  # protoc-gen-validate options only; they do not change the wire format
            out.append('import "%s";' % imp)
        if f["imports"]:
            out.append("")
        for d in top:
            (emit_msg if isinstance(d, Msg) else emit_enum)(d, pkg, out, 0)
            out.append("")
        dest = os.path.join(outdir, f["path"])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as fh:
            fh.write("\n".join(out).rstrip() + "\n")
    print("wrote %d files" % len(files))


if __name__ == "__main__":
    main()
