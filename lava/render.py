#!/usr/bin/python3
"""Render probelab's LAVA templates (docs/lava.md).

  render.py job TEMPLATE [KEY=VALUE ...]
      a job template of lava/jobs/ with its variables -> the job YAML
  render.py device DICT --types DIR [--job JOB]
      a device dictionary (lava/devices/*.jinja2) -> the device YAML that
      lava-run --device takes, as lava-server renders it: DIR holds the
      device-type templates (lava-server's /usr/share/lava-server/
      device-types), and the job's "context:" is passed to the templates
      (where e.g. extra_options, machine, no_kvm come from)

The result goes to standard output.  An undefined variable is an error.
Runs with Debian's python3 (python3-jinja2, python3-yaml).
"""
import argparse
import os
import sys

import jinja2
import jinja2.sandbox
import yaml


def env(paths, strict):
    return jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(paths),
        autoescape=False,
        trim_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
    )


def render_job(template, assignments):
    ctx = {}
    for a in assignments:
        key, sep, value = a.partition("=")
        if not sep or not key.isidentifier():
            raise SystemExit("render.py: '%s' is not KEY=VALUE" % a)
        ctx[key] = value
    path = os.path.abspath(template)
    tmpl = env([os.path.dirname(path)], True).get_template(os.path.basename(path))
    return tmpl.render(**ctx) + "\n"


def render_device(dictionary, types, job):
    ctx = {}
    if job:
        with open(job, encoding="utf-8") as fh:
            ctx = (yaml.safe_load(fh) or {}).get("context", {}) or {}
    path = os.path.abspath(dictionary)
    # lava-server's device dictionaries are not strict: the device-type
    # templates test many variables with "if name" and "| default"
    e = env([os.path.dirname(path), types], False)
    return e.get_template(os.path.basename(path)).render(**ctx) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    j = sub.add_parser("job", help="render a job template")
    j.add_argument("template")
    j.add_argument("vars", nargs="*", metavar="KEY=VALUE")
    d = sub.add_parser("device", help="render a device dictionary")
    d.add_argument("dictionary")
    d.add_argument("--types", required=True, help="device-type templates folder")
    d.add_argument("--job", help="job YAML whose context to apply")
    o = p.parse_args()
    try:
        if o.what == "job":
            out = render_job(o.template, o.vars)
        else:
            if not os.path.isdir(o.types):
                raise SystemExit("render.py: %s is not a folder" % o.types)
            out = render_device(o.dictionary, o.types, o.job)
    except jinja2.TemplateError as exc:
        raise SystemExit("render.py: %s: %s" % (type(exc).__name__, exc))
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
