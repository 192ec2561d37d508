"""Steps of the upgrade to 18.0.3.0.0: a lost case, until then an active
case in the fixed Lost status (the status it was lost from in
``stage_before_close_id``), becomes Odoo's lost case (archived at 0 % in that
status), and ``is_probability_manual`` gives way to Odoo's
``is_automated_probability``. Plain SQL over the old columns, so that the
steps run before the new model is loaded and a test can run them on rows in
the old form.
"""

from odoo.tools import SQL, sql

from .models.crm_lead import INDEXES


def _lost_stage_id(cr):
    cr.execute(
        SQL(
            "SELECT res_id FROM ir_model_data "
            "WHERE module = 'tracelink_crm' AND name = 'crm_stage_lost'"
        )
    )
    row = cr.fetchone()
    return row and row[0]


def lose_cases_in_lost_status(cr):
    """Cases in the old Lost status: archived at 0 % in the status they were
    lost from (else the first open status). Returns how many were moved."""
    lost_id = _lost_stage_id(cr)
    if not lost_id:
        return 0
    columns = sql.table_columns(cr, "crm_lead")
    before = (
        SQL("lead.stage_before_close_id")
        if "stage_before_close_id" in columns
        else SQL("NULL")
    )
    cr.execute(
        SQL(
            """
            UPDATE crm_lead lead
               SET stage_id = COALESCE(%(before)s, (
                       SELECT stage.id FROM crm_stage stage
                        WHERE stage.is_won IS NOT TRUE AND stage.id <> %(lost)s
                          AND (stage.team_id IS NULL OR stage.team_id = lead.team_id)
                        ORDER BY stage.sequence, stage.id LIMIT 1)),
                   active = FALSE,
                   probability = 0,
                   automated_probability = 0
             WHERE lead.stage_id = %(lost)s
            """,
            before=before,
            lost=lost_id,
        )
    )
    return cr.rowcount


def keep_automated_probabilities(cr):
    """An open case whose probability was not typed (a status's default, say)
    gets it as its automated one, so that predictive scoring goes on updating
    it; a typed one differs already. Returns how many were changed."""
    if "is_probability_manual" not in sql.table_columns(cr, "crm_lead"):
        return 0
    cr.execute(
        SQL(
            """
            UPDATE crm_lead lead
               SET automated_probability = lead.probability
              FROM crm_stage stage
             WHERE stage.id = lead.stage_id AND stage.is_won IS NOT TRUE
               AND lead.active
               AND NOT COALESCE(lead.is_probability_manual, FALSE)
               AND lead.probability IS NOT NULL
               AND lead.probability IS DISTINCT FROM lead.automated_probability
            """
        )
    )
    return cr.rowcount


def fill_status(cr):
    """The stored status of every case (the Lost status for a lost one) and
    its kind, in one query each instead of the ORM's row by row."""
    lost_id = _lost_stage_id(cr)
    if not sql.column_exists(cr, "crm_lead", "status_id"):
        sql.create_column(cr, "crm_lead", "status_id", "int4")
    cr.execute(
        SQL(
            """
            WITH status AS (
                SELECT id, CASE
                       WHEN NOT active AND COALESCE(probability, 0) = 0
                            AND %(lost)s::int IS NOT NULL THEN %(lost)s::int
                       ELSE stage_id END AS status_id
                  FROM crm_lead)
            UPDATE crm_lead lead
               SET status_id = status.status_id
              FROM status
             WHERE status.id = lead.id
               AND lead.status_id IS DISTINCT FROM status.status_id
            """,
            lost=lost_id,
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE crm_lead lead
               SET stage_kind = stage.status_kind
              FROM crm_stage stage
             WHERE stage.id = lead.status_id
               AND lead.stage_kind IS DISTINCT FROM stage.status_kind
            """
        )
    )


def drop_old_indexes(cr):
    """Odoo keeps an index that a field or the model no longer asks for: the
    status kind's (until 18.0.3.0.0), the pipeline's and the follow-up date's
    (until 18.0.3.1.0)."""
    for name in (
        "crm_lead__stage_kind_index",
        "crm_lead_tracelink_pipeline_index",
        "crm_lead__follow_up_date_index",
    ):
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))


def drop_case_indexes(cr):
    """Made anew by the model, to cover the lost cases too."""
    for name in INDEXES:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
