"""Write lexicons/first_name_genders.txt from Faker's person providers (MIT licence).

For every locale Faker ships, its lists of male and female first names count as one vote each;
the file keeps, for every first name written in Latin letters, how many locales list it as male
and how many as female. quotetrace reads the counts (``attribute.first_names``) and decides there
how lopsided they must be. Run it by hand when Faker gains locales:

    pip install faker
    python scripts/build_first_names.py > src/quotetrace/lexicons/first_name_genders.txt
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections import defaultdict
from pathlib import Path


def _latin(name: str) -> bool:
    """Latin letters (with accents), apostrophes and hyphens only: the form English news uses."""
    return bool(name) and all(c.isalpha() and ord(c) < 0x250 or c in "'-’" for c in name)


def main() -> int:
    import faker
    import faker.providers.person as person

    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    locales = []
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        used = False
        for attribute, column in (("first_names_male", 0), ("first_names_female", 1)):
            names = {n.strip() for n in getattr(provider, attribute, ()) or ()}
            for name in filter(_latin, names):
                votes[name][column] += 1
                used = True
        if used:
            locales.append(module.name)
    out = sys.stdout
    out.write(
        "# First names and how many of Faker's locales list them as male and as female\n"
        f"# (name<TAB>male<TAB>female). Made by scripts/build_first_names.py from Faker "
        f"{faker.VERSION}\n"
        "# (https://github.com/joke2k/faker, MIT licence).\n"
        f"# {len(locales)} locales with names in Latin letters: "
        f"{' '.join(sorted(locales))}\n"
    )
    licence = Path(faker.__file__).parent.parent.glob("faker-*.dist-info/licenses/LICENSE*")
    out.write("#\n# Faker's licence:\n#\n")
    for line in next(iter(licence)).read_text(encoding="utf-8").strip().splitlines():
        out.write(f"# {line}".rstrip() + "\n")
    for name in sorted(votes):
        male, female = votes[name]
        out.write(f"{name}\t{male}\t{female}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
