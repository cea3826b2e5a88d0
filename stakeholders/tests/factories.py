import factory
from django.utils.text import slugify

from stakeholders.enums import StakeholderCategory
from stakeholders.models import Organization, Person


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    category = StakeholderCategory.CIVIL_SOCIETY
    country = "CH"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    honorific = "Ms."
    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    organization = factory.SubFactory(OrganizationFactory)
    position = "Director"
