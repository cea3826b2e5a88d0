"""`stakeholders` is the register and names nothing of the apps that depend on it: no import
(import-linter checks those, pyproject.toml) and no name spelled as a string, which an import
graph cannot see: a lookup through their relations (`people__roles__...`), a reverse accessor,
a URL name in a template, a template path, a factory in a test.

What is forbidden is read from the app registry rather than written here, so that this file
names nothing either and the list grows with the apps: each app holding a relation to a model of
this one gives its label, its models' names (in snake_case, `SomeModel` -> `some_model`) and the
accessors its relations add to this app's models."""

import re
from pathlib import Path

from django.apps import apps

APP = apps.get_app_config("stakeholders")
ROOT = Path(APP.path)
TEXT_SUFFIXES = {".py", ".html", ".txt", ".md", ".json", ".csv"}


def snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def dependents():
    """The other apps whose models point at this app's models, and the accessors they add."""
    found, accessors = set(), set()
    for model in APP.get_models():
        for relation in model._meta.related_objects:
            other = relation.related_model._meta
            if other.app_label == APP.label:
                continue
            found.add(other.app_config)
            if not relation.hidden:
                accessors.add(relation.get_accessor_name())
    return found, accessors


def forbidden_names():
    found, accessors = dependents()
    names = {app.label for app in found} | accessors
    for app in found:
        for model in app.get_models():
            # Historical copies (simple_history) carry their model's name already.
            if getattr(model._meta, "simple_history_model", False) or model.__name__.startswith(
                "Historical"
            ):
                continue
            names.add(snake(model._meta.object_name))
    return names


def pattern(names):
    """A name, or its plural, standing alone between anything but letters and digits: `__`, `.`,
    `:`, quotes and CamelCase humps (turned into `_` first) separate, while a longer word does
    not match (were `region` a name, `regions` and `RegionFilter` would, `regional` would not)."""
    alternatives = "|".join(sorted((re.escape(name) for name in names), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?:e?s)?(?![a-z0-9])")


def files():
    for path in sorted(ROOT.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
            yield path


def test_the_app_registry_names_this_apps_dependents():
    found, accessors = dependents()
    names = forbidden_names()
    assert found, "No other app points at this one: the check below would check nothing."
    assert accessors <= names
    assert len(names) > len(found) + len(accessors)


def test_stakeholders_names_nothing_of_the_apps_that_depend_on_it():
    names = pattern(forbidden_names())
    offences = []
    for path in files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in names.finditer(snake(line)):
                offences.append(f"{path.relative_to(ROOT.parent)}:{number}: {match.group(0)}")
    assert offences == [], "\n".join(offences)
