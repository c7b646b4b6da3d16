"""The P.I.P.P.I. process behaves the same whether its task tree is compacted or not.

The dispositivi run as a parallel split whose branches are skipped when the Progetto Quadro
does not choose them, each chosen one looping on its diary, beside two more parallel lines
(the EM meetings loop and the T1/T2 timers) and the multi-instance subprocess of the
Progetto Quadro's actions, which a terminate end event stops. That is the
shape engine/runtime/compaction.py must keep intact: this test runs one family's 18 months twice on
the real process, saving and restoring the workflow between every step, once compacting
before each save, and compares every step, timer and the final data.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine.core import clock
from engine.definitions.forms import FormLibrary
from engine.definitions.parsing import parse_process, read_sources
from engine.programmes.calendars import TerritoryCalendar, add_months
from engine.programmes.settings import read_settings_file, settings_from_dict
from engine.runtime.compaction import compact
from engine.runtime.helpers import CaseContext
from engine.runtime.serialization import dump_state, load_state
from engine.runtime.workflow import advance, attach, catch_up, ready_user_tasks
from tests.conftest import ROOT
from web import demo_data_pippi as d

ROME = ZoneInfo("Europe/Rome")
FOLDER = ROOT / "processes" / "pippi"
REFERRED = date(2026, 4, 27)


def script() -> list[tuple[date, str, dict]]:
    """One family: three dispositivi (vicinanza solidale skipped), the school partnership
    started late, the Progetto Quadro's action recorded on its day, diaries and meetings
    monthly, T1 and T2, a closure sent back once."""
    steps = [(date(2026, 5, 4), "preassessment", d.segnalazione(date(2026, 5, 4))),
             (date(2026, 5, 6), "consenso", d.consenso(date(2026, 5, 6))),
             (date(2026, 7, 10), "assessment_t0", d.assessment_t0(date(2026, 7, 10))),
             (date(2026, 7, 20), "progetto_quadro", d.progetto_quadro(date(2026, 7, 20), (
                 "educativa_domiciliare", "gruppi_genitori_bambini",
                 "partnership_scuola_servizi")))]
    steps += [(day, f"avvio_{key}", d.avvio(day)) for key, day in (
        ("educativa", date(2026, 7, 25)), ("gruppi", date(2026, 7, 30)),
        ("scuola", date(2026, 8, 25)))]
    steps.append((date(2026, 9, 18), "esito_azione", d.esito_azione(date(2026, 9, 18))))
    ends = {"scuola": date(2027, 1, 1), "gruppi": date(2027, 3, 1),
            "educativa": date(2027, 8, 1)}
    for month in range(14):  # September 2026 to October 2027
        first = add_months(date(2026, 9, 1), month)
        steps += [(first, f"registro_{key}", d.registro(first, "concluso" if first >= end
                                                             else "prosegue"))
                  for key, end in ends.items()]
        steps.append((first + timedelta(days=4), "incontro_em", d.incontro_em(first)))
        if first == date(2027, 1, 1):
            steps.append((date(2027, 1, 20), "assessment_t1", d.assessment_t1(first)))
    closing = [("assessment_t2", d.assessment_t2), ("chiusura", d.chiusura),
               ("validazione_chiusura", lambda day: d.validazione(day, False)),
               ("chiusura", d.chiusura), ("validazione_chiusura", d.validazione)]
    steps += [(day, step, build(day)) for (step, build), day in zip(closing, (
        date(2027, 10, 20), date(2027, 10, 25), date(2027, 10, 26), date(2027, 10, 27),
        date(2027, 10, 28)), strict=True)]
    return sorted(steps, key=lambda step: step[0])


def run(*, compacting: bool):
    """Live through the script; return what each step saw, the timers, sizes and the end."""
    raw = read_settings_file(FOLDER)
    settings = settings_from_dict(raw)
    parsed = parse_process(read_sources(FOLDER), settings, FormLibrary(ROOT / "forms"))
    spec, subs = parsed.spec, parsed.subprocess_specs
    context = CaseContext(settings, TerritoryCalendar("IT", "VA", "Europe/Rome"))
    fired, trace, sizes = [], [], []

    def on_step(task):
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            fired.append((task.task_spec.bpmn_id, clock.now()))

    with clock.frozen_at(datetime.combine(REFERRED, time(9), ROME)):
        workflow = attach(BpmnWorkflow(spec, subs), context)
        workflow.get_next_task().data.update({"caso_id": 1, "territorio": "somma_lombardo"})
        advance(workflow, on_step)
        state = dump_state(workflow)
    for day, step, data in script():
        moment = datetime.combine(day, time(11), ROME)
        with clock.frozen_at(moment):
            workflow = attach(load_state(state, spec, subs), context)
            catch_up(workflow, moment, on_step)
            for task in ready_user_tasks(workflow):
                if task.task_spec.bpmn_id.startswith("revisione_"):
                    task.data.update(d.revisione(day))
                    task.run()
            ready = {t.task_spec.bpmn_id: t for t in ready_user_tasks(workflow)}
            if step in ready:
                ready[step].data.update(data)
                ready[step].run()
            advance(workflow, on_step)
            if compacting:
                compact(workflow)
            state = dump_state(workflow)
        sizes.append(len(state))
        trace.append((day, step, step in ready,
                      sorted(t.task_spec.bpmn_id for t in ready_user_tasks(workflow))))
    end = attach(load_state(state, spec, subs), context)
    return trace, fired, sizes, end


def test_compaction_changes_nothing_the_pippi_process_can_see():
    plain, plain_timers, plain_sizes, plain_end = run(compacting=False)
    compacted, timers, sizes, end = run(compacting=True)
    assert compacted == plain
    assert timers == plain_timers
    assert end.is_completed() and plain_end.is_completed()
    assert end.last_task.data == plain_end.last_task.data
    assert end.last_task.data["esito"] == "A"
    done = [step for _, step, ran, _ in compacted if ran]
    assert done.count("registro_educativa") == 12 and done.count("incontro_em") == 14
    assert "avvio_vicinanza" not in str(compacted)
    assert ("ritardo_avvio_scuola", datetime(2026, 8, 20, tzinfo=ROME)) in timers
    # each action of the Progetto Quadro runs in a subworkflow of its own (~12 kB while open)
    assert max(sizes) < 82_000 and sizes[-2] < plain_sizes[-2] / 2
