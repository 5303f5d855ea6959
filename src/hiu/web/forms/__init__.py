"""hiu.web's form layer for the NHS.UK design system.

``DateField`` (``hiu.web.forms.dates``) is the one date field; ``components`` turns a bound
field into the parameters of its NHS.UK component; ``templates/hiu/forms.jinja`` has one macro
a component, each taking a bound field (``date_input(form.held_on, "When was it held?")``),
and ``error_summary(form)``, which links each error to its field's first input.
"""

from hiu.web.forms.dates import DateField, DateInput, DatePart, read_date
from hiu.web.forms.nhs_number import NhsNumberField

__all__ = ["DateField", "DateInput", "DatePart", "NhsNumberField", "read_date"]
