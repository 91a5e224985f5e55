#!/usr/bin/python3
"""Fills XLSX workbooks in LibreOffice (headless, through UNO) as a person
would in Excel: opens each, types values into cells, saves it as XLSX
("Calc MS Excel 2007 XML").  Used by tests/integration/test-fill.c.

    lo-fill.py SPEC.json

SPEC: {"profile": URL of a LibreOffice user profile,
       "jobs": [{"in": path, "out": path, "sheet": name,
                 "unprotect": bool, "cells": {"F4": "12", "G4": "text"}}]}
Each value is typed as a person types it (setFormula: "12" is a number,
"十二" a text).  Exits non-zero with a message if anything fails.
"""
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    pipe = "duban_fill_%d" % os.getpid()
    office = subprocess.Popen([
        "/usr/bin/soffice", "--headless", "--invisible", "--norestore",
        "--nolockcheck", "--nodefault",
        "-env:UserInstallation=" + spec["profile"],
        "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe])
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        # Connect once LibreOffice listens (it takes 1 to 15 s to start).
        for _ in range(600):
            try:
                ctx = resolver.resolve(
                    "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except NoConnectException:
                if office.poll() is not None:
                    sys.exit("soffice exited with %d" % office.returncode)
                time.sleep(0.1)
        if ctx is None:
            sys.exit("soffice did not accept a connection")
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
        for job in spec["jobs"]:
            url = uno.systemPathToFileUrl(os.path.abspath(job["in"]))
            doc = desktop.loadComponentFromURL(url, "_blank", 0,
                                               (prop("Hidden", True),))
            sheet = doc.Sheets.getByName(job.get("sheet", "填报表"))
            if job.get("unprotect"):
                sheet.unprotect("")
            for ref, value in job["cells"].items():
                sheet.getCellRangeByName(ref).setFormula(value)
            out = uno.systemPathToFileUrl(os.path.abspath(job["out"]))
            doc.storeToURL(out, (prop("FilterName", "Calc MS Excel 2007 XML"),))
            doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge goes away as it terminates
            pass
        office.wait(timeout=60)
    finally:
        if office.poll() is None:
            office.kill()
            office.wait()


if __name__ == "__main__":
    main()
