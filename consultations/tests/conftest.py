import pytest

from consultations.enums import SegmentKind
from consultations.tests.factories import SegmentFactory


@pytest.fixture
def floor_segment(db):
    """An interactive segment of a published hearing: the speakers' list tests' setting."""
    return SegmentFactory(kind=SegmentKind.INTERACTIVE, order=3, title="Interactive discussion")
