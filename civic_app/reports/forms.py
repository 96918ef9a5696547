from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from civic_app.core.forms import Form
from civic_app.reports.period import MAX_MONTHS, Period


class ReportFilterForm(Form):
    """Date range and project of a dashboard: a GET form, so a report is a shareable URL."""

    class Meta:
        csrf = False

    date_from = DateField(_l("Dal"), validators=[Optional()])
    date_to = DateField(_l("Al"), validators=[Optional()])
    project = SelectField(_l("Progetto"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("Mostra"))

    def __init__(self, projects=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.project.choices = [("", _l("Tutti"))] + [(str(p.id), p.title) for p in projects]

    def validate_date_to(self, field):
        if self.date_from.data and field.data:
            if field.data < self.date_from.data:
                raise ValidationError(_l("La data finale viene prima di quella iniziale."))
            if len(Period(self.date_from.data, field.data).months()) > MAX_MONTHS:
                raise ValidationError(_l("Scegli al massimo %(num)s mesi.", num=MAX_MONTHS))

    def period(self, default: Period) -> Period:
        """The chosen period (valid form), filling a missing end from the default."""
        start = self.date_from.data or default.start
        end = self.date_to.data or max(default.end, start)
        if end < start or len(Period(start, end).months()) > MAX_MONTHS:
            return default
        return Period(start, end)


class NationalFilterForm(ReportFilterForm):
    """The national dashboard: a period (or one of the fund's reporting periods) and,
    for the breakdowns, optionally one municipality."""

    reporting_period = SelectField(
        _l("Periodo di rendicontazione"), choices=[], validators=[Optional()]
    )
    municipality = SelectField(_l("Comune"), choices=[], validators=[Optional()])

    def __init__(self, periods, municipalities, *args, **kwargs):
        super().__init__((), *args, **kwargs)
        del self.project
        self.reporting_period.choices = [("", _l("— nessuno: usa le date —"))] + [
            (name, name) for name, _period in periods
        ]
        self.municipality.choices = [("", _l("Tutta la rete"))] + [
            (m.slug, m.local_name) for m in municipalities
        ]


def filter_args(form) -> dict:
    """The filters asked for, to carry into the export links: the form's own fields only
    (another parameter, e.g. `table` or `fmt`, would clash with the links' own)."""
    return {
        f.name: request.args[f.name]
        for f in form
        if f.name != "submit" and request.args.get(f.name)
    }
