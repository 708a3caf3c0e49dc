#!/usr/bin/python3
"""validate.py KIND FILE: check a LAVA file with the schemas of Debian's
lava-common (the ones lava-server applies on submission):
  job      a job definition (lava_common.schemas.validate, strict)
  testdef  a lava-test-shell test definition
           (lava_common.schemas.test.testdef.validate)
  device   a rendered device configuration
           (lava_common.schemas.device.validate)
Prints "FILE: valid", or the schema's complaint with its path, and exits 1.
"""
import sys

import voluptuous
import yaml


def main(argv):
    if len(argv) != 3 or argv[1] not in ("job", "testdef", "device"):
        sys.stderr.write(__doc__)
        return 2
    kind, path = argv[1], argv[2]
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        print("%s: cannot be read as YAML: %s" % (path, exc))
        return 1
    if not isinstance(data, dict):
        print("%s: not a YAML mapping" % path)
        return 1
    try:
        if kind == "job":
            from lava_common.schemas import validate

            validate(data, strict=True)
        elif kind == "testdef":
            from lava_common.schemas.test.testdef import validate

            validate(data)
        else:
            from lava_common.schemas.device import validate

            validate(data)
    except voluptuous.Invalid as exc:
        print("%s: invalid %s: %s" % (path, kind, exc))
        return 1
    print("%s: valid %s" % (path, kind))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
