//! The closed loop on the server. Every change to a case goes through [`run`]: it reads the case
//! within the caller's visibility, locks it, checks the role ([`CaseAction::roles`]), the caller's
//! relation to the case (own unit, own submission) and the state machine ([`next_state`]), changes
//! the rows, appends the hash-linked event, writes the notifications, and commits — or changes
//! nothing at all.

use crate::auth::Principal;
use crate::error::{ApiResult, AppError};
use crate::routes::cases::NewCaseRequest;
use crate::state::AppState;
use jiban_core::calendar::{BEIJING, DayKind, OfficeHours, WorkCalendar};
use jiban_core::case::{
    AssignmentRole, AssignmentState, CaseAction, CaseFacts, CaseState, SlaRule, Urgency, deadlines,
    end_of_working_day, next_state,
};
use jiban_core::case::{CaseNo, Channel};
use jiban_core::roles::{Permission, Role};
use jiban_core::text::{Phone, optional_line, optional_text, required_line, required_text};
use jiban_core::uscc::Uscc;
use jiban_store::cases::{AssignmentRow, CaseRow, CaseVisibility, NewCase};
use jiban_store::enterprises::Visibility;
use jiban_store::{Store, Tx};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Which units a dispatch goes to.
#[derive(Debug, Clone)]
pub struct DispatchPlan {
    pub lead_unit_id: Uuid,
    pub assist_unit_ids: Vec<Uuid>,
    pub note: Option<String>,
    /// Corrects the category on dispatch (the correction is recorded).
    pub category_code: Option<String>,
    pub urgency: Option<Urgency>,
}

/// A change someone asks for.
#[derive(Debug, Clone)]
pub enum Command {
    Accept {
        note: Option<String>,
    },
    Reject {
        reason: String,
    },
    Withdraw {
        reason: Option<String>,
    },
    Dispatch(DispatchPlan),
    Reassign {
        plan: DispatchPlan,
        reason: String,
    },
    Sign,
    Return {
        reason: String,
    },
    Reply {
        text: String,
    },
    Verify {
        pass: bool,
        note: Option<String>,
    },
    Rate {
        level: jiban_core::case::Satisfaction,
        comment: Option<String>,
    },
    RequestExtension {
        days: u32,
        reason: String,
    },
    RequestPause {
        park: bool,
        reason: String,
        review_on: Option<Date>,
    },
    Decide {
        request_id: Uuid,
        approve: bool,
        note: Option<String>,
    },
    Resume {
        note: Option<String>,
    },
    Merge {
        master_id: Uuid,
    },
    SupervisorClose {
        note: String,
    },
    SupervisorRedispatch {
        note: String,
    },
    Remind {
        note: Option<String>,
    },
    /// 督办: level general (一般) | key (重点) | listed (挂牌), answer within `days` working days.
    Supervise {
        level: String,
        days: u32,
        note: String,
    },
    AcknowledgeSupervision {
        order_id: Uuid,
    },
}

/// The case visibility of an account (see docs/ACCESS.md).
pub fn visibility(p: &Principal) -> CaseVisibility {
    match p.role {
        Role::Admin | Role::Leader | Role::Supervisor | Role::Dispatcher | Role::Intake => {
            CaseVisibility::Zone
        }
        Role::Enterprise => CaseVisibility::Submitter {
            user: p.user.id,
            enterprise: p.user.enterprise_id,
        },
        Role::Handler | Role::DeptHead | Role::GridWorker => CaseVisibility::Units {
            path_prefix: p.user.org_unit_path.clone(),
            user: p.user.id,
        },
    }
}

/// The zone's work calendar: the national default overlaid with the zone's own days, with the
/// configured office hours.
pub async fn calendar(state: &AppState, zone_id: Uuid) -> ApiResult<WorkCalendar> {
    zone_calendar(&state.store, zone_id, &state.cfg.office_hours()).await
}

/// [`calendar`] without an `AppState` (for background jobs).
pub async fn zone_calendar(
    store: &Store,
    zone_id: Uuid,
    hours: &OfficeHours,
) -> ApiResult<WorkCalendar> {
    let from = Date::from_calendar_date(2000, time::Month::January, 1).expect("valid");
    let to = Date::from_calendar_date(2100, time::Month::December, 31).expect("valid");
    let days = store.calendar_days(zone_id, from, to).await?;
    let cal = if days.is_empty() {
        WorkCalendar::china_default()
    } else {
        let entries = days.into_iter().filter_map(|d| {
            let kind = DayKind::parse(&d.kind).ok()?;
            Some((d.day, kind))
        });
        WorkCalendar::from_entries(entries)
    };
    Ok(cal.with_office_hours(hours.clone()))
}

/// The SLA rule for a category and urgency: the category's own rule, else its parent's, else the
/// zone's `*` rule, else the built-in default.
pub async fn sla_rule(
    store: &Store,
    zone_id: Uuid,
    category: &str,
    urgency: Urgency,
) -> ApiResult<SlaRule> {
    let rules = store.sla_rules(zone_id).await?;
    let parent = category.get(..2).unwrap_or("");
    for code in [category, parent, "*"] {
        if let Some(r) = rules
            .iter()
            .find(|r| r.category_code == code && r.urgency == urgency.as_str())
        {
            return Ok(SlaRule {
                sign_hours: r.sign_hours as u32,
                handle_days: r.handle_days as u32,
            });
        }
    }
    Ok(SlaRule::default_for(urgency))
}

fn forbidden(p: &Principal, action: CaseAction) -> AppError {
    AppError::Forbidden {
        code: "auth.forbidden",
        message: format!("您的角色（{}）不能执行“{}”", p.role.label(), action.label()),
    }
}

fn not_yours(message: &str) -> AppError {
    AppError::Forbidden {
        code: "case.not_assigned",
        message: message.to_string(),
    }
}

fn required(field: &str, label: &str, v: &str, max: usize) -> ApiResult<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(AppError::invalid(
            "validation.required",
            field,
            format!("{label}不能为空"),
        ));
    }
    let n = t.chars().count();
    if n > max {
        return Err(AppError::invalid(
            "validation.too_long",
            field,
            format!("{label}不能超过 {max} 个字符（当前 {n} 个）"),
        ));
    }
    Ok(t.to_string())
}

/// The caller's active assignment on this case (their unit or a unit below it).
fn my_assignment<'a>(
    p: &Principal,
    assignments: &'a mut [AssignmentRow],
) -> Option<&'a mut AssignmentRow> {
    assignments.iter_mut().find(|a| {
        AssignmentState::parse(&a.state).is_ok_and(|s| s.is_active())
            && a.unit_path
                .as_deref()
                .is_some_and(|path| path.starts_with(&p.user.org_unit_path))
    })
}

fn is_lead(a: &AssignmentRow) -> bool {
    a.role == AssignmentRole::Lead.as_str()
}

fn is_submitter(p: &Principal, case: &CaseRow) -> bool {
    case.submitter_id == Some(p.user.id)
        || case.filed_by == p.user.id
        || (p.role == Role::Enterprise
            && p.user.enterprise_id.is_some()
            && case.enterprise_id == p.user.enterprise_id)
}

fn action_of(cmd: &Command, lead: bool, park: bool) -> CaseAction {
    match cmd {
        Command::Accept { .. } => CaseAction::Accept,
        Command::Reject { .. } => CaseAction::Reject,
        Command::Withdraw { .. } => CaseAction::Withdraw,
        Command::Dispatch(_) => CaseAction::Dispatch,
        Command::Reassign { .. } => CaseAction::Reassign,
        Command::Sign => CaseAction::Sign { lead },
        Command::Return { .. } => CaseAction::Return,
        Command::Reply { .. } => CaseAction::Reply { lead },
        Command::Verify { pass, .. } => CaseAction::Verify { pass: *pass },
        Command::Rate { level, .. } => CaseAction::Rate(*level),
        Command::RequestExtension { .. } => CaseAction::RequestExtension,
        Command::RequestPause { .. } => CaseAction::RequestPause,
        Command::Decide { .. } => {
            if park {
                CaseAction::ApprovePause { park: true }
            } else {
                CaseAction::DecideExtension
            }
        }
        Command::Resume { .. } => CaseAction::Resume,
        Command::Merge { .. } => CaseAction::Merge,
        Command::SupervisorClose { .. } => CaseAction::SupervisorClose,
        Command::SupervisorRedispatch { .. } => CaseAction::SupervisorRedispatch,
        Command::Remind { .. } => CaseAction::Remind,
        Command::Supervise { .. } => CaseAction::Supervise,
        Command::AcknowledgeSupervision { .. } => CaseAction::AcknowledgeSupervision,
    }
}

struct Ctx<'a> {
    state: &'a AppState,
    p: &'a Principal,
    tx: Tx,
    case: CaseRow,
    assignments: Vec<AssignmentRow>,
    now: OffsetDateTime,
}

impl Ctx<'_> {
    fn facts(&self) -> CaseFacts {
        CaseFacts {
            any_signed: self.assignments.iter().any(|a| a.signed_at.is_some()),
            bounces: self.case.bounces as u32,
            bounce_limit: self.state.cfg.bounce_limit,
            reworks: self.case.reworks as u32,
        }
    }

    fn transition(&mut self, action: CaseAction) -> ApiResult<CaseState> {
        let from = CaseState::parse(&self.case.state)?;
        let to = next_state(from, action, self.facts()).map_err(|e| AppError::Transition {
            code: e.code,
            message: e.message,
        })?;
        self.case.state = to.as_str().to_string();
        Ok(from)
    }

    async fn notify_unit(&mut self, unit_id: Uuid, kind: &str, title: String) -> ApiResult<()> {
        let body = format!("{} {}", self.case.case_no, self.case.title);
        self.tx
            .notify(
                self.case.zone_id,
                None,
                Some(unit_id),
                Some(self.case.id),
                kind,
                &title,
                &body,
            )
            .await?;
        Ok(())
    }

    async fn notify_submitter(&mut self, kind: &str, title: String) -> ApiResult<()> {
        let Some(user) = self.case.submitter_id.or(Some(self.case.filed_by)) else {
            return Ok(());
        };
        let body = format!("{} {}", self.case.case_no, self.case.title);
        self.tx
            .notify(
                self.case.zone_id,
                Some(user),
                None,
                Some(self.case.id),
                kind,
                &title,
                &body,
            )
            .await?;
        Ok(())
    }

    /// Ends every active assignment (reassignment, return, merge, withdrawal).
    fn end_assignments(&mut self, how: AssignmentState) {
        for a in &mut self.assignments {
            if AssignmentState::parse(&a.state).is_ok_and(|s| s.is_active()) {
                a.state = how.as_str().to_string();
                a.ended_at = Some(self.now);
            }
        }
    }

    /// Validates a dispatch plan and creates the assignments with their deadlines.
    /// Records what the model would have suggested for this case and what the dispatcher chose:
    /// the corrections teach the next training run, the acceptance rate is shown to administrators.
    async fn record_routing(
        &mut self,
        units: &[jiban_store::org::OrgUnitRow],
        chosen_unit: Uuid,
    ) -> ApiResult<()> {
        let model = self
            .state
            .models
            .for_zone(&self.state.store, self.case.zone_id)
            .await?;
        let text = format!("{}。{}", self.case.title, self.case.description);
        let best = model.suggest(&text, 1).candidates.into_iter().next();
        let unit = match &best {
            Some(b) => {
                crate::routing::lead_unit_for(
                    &self.state.store,
                    self.case.zone_id,
                    &b.category,
                    self.case.grid_id,
                    units,
                )
                .await?
            }
            None => None,
        };
        self.tx
            .insert_routing_feedback(&jiban_store::routing::NewRoutingFeedback {
                zone_id: self.case.zone_id,
                case_id: self.case.id,
                actor_id: Some(self.p.user.id),
                model_version: model.version.clone(),
                suggested_category: best.as_ref().map(|b| b.category.clone()),
                confidence: best.as_ref().map(|b| b.confidence),
                suggested_unit_id: unit.map(|u| u.id),
                chosen_category: self.case.category_code.clone(),
                chosen_unit_id: Some(chosen_unit),
            })
            .await?;
        Ok(())
    }

    async fn dispatch(&mut self, plan: &DispatchPlan) -> ApiResult<Value> {
        let units = self.state.store.org_units(self.case.zone_id).await?;
        let find = |id: Uuid, field: &str| -> ApiResult<jiban_store::org::OrgUnitRow> {
            let u = units
                .iter()
                .find(|u| u.id == id)
                .ok_or_else(|| AppError::invalid("validation.unit", field, "承办单位不存在"))?;
            if !u.active {
                return Err(AppError::invalid(
                    "validation.unit_inactive",
                    field,
                    format!("承办单位“{}”已停用", u.name),
                ));
            }
            if u.kind == "zone" || u.kind == "grid" {
                return Err(AppError::invalid(
                    "validation.unit_kind",
                    field,
                    "承办单位应为部门、街道（镇）或社区（村）",
                ));
            }
            Ok(u.clone())
        };
        let lead = find(plan.lead_unit_id, "lead_unit_id")?;
        let mut assists = Vec::new();
        for id in &plan.assist_unit_ids {
            if *id == plan.lead_unit_id
                || assists
                    .iter()
                    .any(|u: &jiban_store::org::OrgUnitRow| u.id == *id)
            {
                return Err(AppError::invalid(
                    "validation.duplicate_unit",
                    "assist_unit_ids",
                    "协办单位不能与主办单位或彼此重复",
                ));
            }
            assists.push(find(*id, "assist_unit_ids")?);
        }
        if assists.len() > 10 {
            return Err(AppError::invalid(
                "validation.too_many",
                "assist_unit_ids",
                "协办单位最多 10 个",
            ));
        }
        let mut corrected = json!(null);
        if let Some(code) = &plan.category_code
            && *code != self.case.category_code
        {
            check_category(self.state, self.case.zone_id, code).await?;
            corrected = json!({ "from": self.case.category_code, "to": code });
            self.case.category_code = code.clone();
        }
        if let Some(u) = plan.urgency {
            self.case.urgency = u.as_str().to_string();
        }
        let urgency = Urgency::parse(&self.case.urgency)?;
        let rule = sla_rule(
            &self.state.store,
            self.case.zone_id,
            &self.case.category_code,
            urgency,
        )
        .await?;
        let cal = calendar(self.state, self.case.zone_id).await?;
        let d = deadlines(&cal, self.now, rule);
        self.tx
            .insert_assignment(
                &self.case,
                lead.id,
                "lead",
                plan.note.as_deref(),
                d.sign_by,
                d.due_at,
            )
            .await?;
        for a in &assists {
            self.tx
                .insert_assignment(
                    &self.case,
                    a.id,
                    "assist",
                    plan.note.as_deref(),
                    d.sign_by,
                    d.due_at,
                )
                .await?;
        }
        self.record_routing(&units, lead.id).await?;
        self.case.lead_unit_id = Some(lead.id);
        self.case.sign_by = Some(d.sign_by);
        self.case.due_at = Some(d.due_at);
        self.case.dispatched_at = Some(self.now);
        self.notify_unit(
            lead.id,
            "case.dispatched",
            format!("新派单（主办）：{}", self.case.case_no),
        )
        .await?;
        for a in &assists {
            self.notify_unit(
                a.id,
                "case.dispatched",
                format!("新派单（协办）：{}", self.case.case_no),
            )
            .await?;
        }
        Ok(json!({
            "lead": { "id": lead.id, "name": lead.name },
            "assists": assists.iter().map(|u| json!({ "id": u.id, "name": u.name })).collect::<Vec<_>>(),
            "sign_by": rfc3339(d.sign_by),
            "due_at": rfc3339(d.due_at),
            "sla": { "sign_hours": rule.sign_hours, "handle_days": rule.handle_days },
            "category_corrected": corrected,
            "note": plan.note,
        }))
    }
}

/// A time for an event's detail: RFC 3339 in Beijing time.
pub fn rfc3339(t: OffsetDateTime) -> String {
    jiban_core::calendar::to_beijing(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// 一般 / 重点 / 挂牌.
pub fn supervision_level_label(level: &str) -> Option<&'static str> {
    match level {
        "general" => Some("一般"),
        "key" => Some("重点"),
        "listed" => Some("挂牌"),
        _ => None,
    }
}

/// Checks that a category code exists (and is a leaf) in the zone's taxonomy.
pub async fn check_category(state: &AppState, zone_id: Uuid, code: &str) -> ApiResult<()> {
    let cats = state.store.categories(zone_id).await?;
    let c = cats
        .iter()
        .find(|c| c.code == code && c.active)
        .ok_or_else(|| {
            AppError::invalid(
                "validation.category",
                "category_code",
                format!("诉求分类“{code}”不存在"),
            )
        })?;
    if cats
        .iter()
        .any(|x| x.parent_code.as_deref() == Some(&c.code))
    {
        return Err(AppError::invalid(
            "validation.category_leaf",
            "category_code",
            format!("请选择“{}”下的具体分类", c.name),
        ));
    }
    Ok(())
}

/// Applies one command to one case. See the module documentation.
pub async fn run(state: &AppState, p: &Principal, case_id: Uuid, cmd: Command) -> ApiResult<()> {
    let zone = p.zone_id();
    // visible to the caller at all? (404 otherwise, never revealing the case exists)
    state
        .store
        .case(zone, &visibility(p), case_id)
        .await?
        .ok_or_else(|| AppError::not_found("诉求"))?;
    let mut tx = state.store.begin().await?;
    let case = tx.lock_case(zone, case_id).await?;
    let assignments = tx.assignments(case_id).await?;
    let mut cx = Ctx {
        state,
        p,
        tx,
        case,
        assignments,
        now: jiban_store::now(),
    };

    // which request a decision is about decides whether it is an extension or a pause
    let mut request = None;
    if let Command::Decide { request_id, .. } = &cmd {
        let r = cx
            .tx
            .case_request(case_id, *request_id)
            .await?
            .ok_or_else(|| AppError::not_found("申请"))?;
        if r.state != "pending" {
            return Err(AppError::Transition {
                code: "case.request_decided",
                message: "该申请已处理".into(),
            });
        }
        request = Some(r);
    }
    let mine_is_lead = my_assignment(p, &mut cx.assignments).map(|a| is_lead(a));
    let park_like = request.as_ref().is_some_and(|r| r.kind != "extension");
    let action = match (&cmd, &request) {
        (Command::Decide { approve: true, .. }, Some(r)) if r.kind != "extension" => {
            CaseAction::ApprovePause {
                park: r.kind == "park",
            }
        }
        (Command::Decide { .. }, _) => CaseAction::DecideExtension,
        _ => action_of(&cmd, mine_is_lead.unwrap_or(false), park_like),
    };
    if !action.roles().contains(&p.role) {
        return Err(forbidden(p, action));
    }

    let from_state = cx.case.state.clone();
    let detail: Value = match cmd {
        Command::Accept { note } => {
            cx.transition(action)?;
            json!({ "note": note })
        }
        Command::Reject { reason } => {
            let reason = required("reason", "不予受理理由", &reason, 500)?;
            cx.transition(action)?;
            cx.case.reject_reason = Some(reason.clone());
            cx.case.closed_at = Some(cx.now);
            cx.notify_submitter(
                "case.rejected",
                format!("您的诉求不予受理：{}", cx.case.case_no),
            )
            .await?;
            json!({ "reason": reason })
        }
        Command::Withdraw { reason } => {
            if !is_submitter(p, &cx.case) {
                return Err(not_yours("只有诉求提交人可以撤回"));
            }
            cx.transition(action)?;
            cx.end_assignments(AssignmentState::Cancelled);
            cx.case.closed_at = Some(cx.now);
            json!({ "reason": reason })
        }
        Command::Dispatch(plan) => {
            cx.transition(action)?;
            cx.dispatch(&plan).await?
        }
        Command::Reassign { plan, reason } => {
            let reason = required("reason", "改派理由", &reason, 500)?;
            cx.transition(action)?;
            cx.end_assignments(AssignmentState::Cancelled);
            let mut d = cx.dispatch(&plan).await?;
            d["reason"] = json!(reason);
            d
        }
        Command::Sign => {
            let Some(a) = my_assignment(p, &mut cx.assignments) else {
                return Err(not_yours("本单位没有待签收的该诉求"));
            };
            if a.state != AssignmentState::Pending.as_str() {
                return Err(AppError::Transition {
                    code: "case.already_signed",
                    message: "本单位已签收该诉求".into(),
                });
            }
            a.state = AssignmentState::Signed.as_str().into();
            a.signed_at = Some(cx.now);
            a.signed_by = Some(p.user.id);
            let (unit, role, late) = (a.unit_name.clone(), a.role.clone(), cx.now > a.sign_by);
            cx.transition(action)?;
            json!({ "unit": unit, "role": role, "late": late })
        }
        Command::Return { reason } => {
            let reason = required("reason", "退回理由", &reason, 500)?;
            match my_assignment(p, &mut cx.assignments) {
                Some(a) if is_lead(a) => {}
                _ => return Err(not_yours("只有主办单位可以退回")),
            }
            cx.transition(action)?;
            cx.case.bounces += 1;
            for a in &mut cx.assignments {
                if AssignmentState::parse(&a.state).is_ok_and(|s| s.is_active()) {
                    a.state = if is_lead(a) { "returned" } else { "cancelled" }.into();
                    a.ended_at = Some(cx.now);
                }
            }
            cx.case.lead_unit_id = None;
            cx.case.sign_by = None;
            cx.case.due_at = None;
            json!({ "reason": reason, "bounces": cx.case.bounces, "to_supervisor": cx.case.state == "supervisor_review" })
        }
        Command::Reply { text } => {
            let text = required("text", "答复内容", &text, 4000)?;
            let Some(a) = my_assignment(p, &mut cx.assignments) else {
                return Err(not_yours("本单位没有正在办理的该诉求"));
            };
            if a.state == AssignmentState::Pending.as_str() {
                return Err(AppError::Transition {
                    code: "case.not_signed",
                    message: "请先签收再答复".into(),
                });
            }
            a.state = AssignmentState::Replied.as_str().into();
            a.replied_at = Some(cx.now);
            a.replied_by = Some(p.user.id);
            a.reply = Some(text.clone());
            let lead = is_lead(a);
            let unit = a.unit_name.clone();
            cx.transition(action)?;
            if !lead && let Some(lead_unit) = cx.case.lead_unit_id {
                cx.notify_unit(
                    lead_unit,
                    "case.assist_replied",
                    format!("协办单位已答复：{}", cx.case.case_no),
                )
                .await?;
            }
            json!({ "unit": unit, "lead": lead, "text": text })
        }
        Command::Verify { pass, note } => {
            cx.transition(action)?;
            if pass {
                cx.notify_submitter(
                    "case.answered",
                    format!("您的诉求已办理答复，请评价：{}", cx.case.case_no),
                )
                .await?;
                // the submitters of duplicates merged into this case are answered too
                let reply = cx
                    .assignments
                    .iter()
                    .find(|a| is_lead(a) && a.reply.is_some())
                    .and_then(|a| a.reply.clone())
                    .unwrap_or_default();
                for (dup, dup_no, who) in cx.tx.merged_into(cx.case.id).await? {
                    let title = format!("您的诉求 {dup_no} 已随 {} 一并办理答复", cx.case.case_no);
                    cx.tx
                        .notify(
                            cx.case.zone_id,
                            Some(who),
                            None,
                            Some(dup),
                            "case.answered",
                            &title,
                            &reply,
                        )
                        .await?;
                }
            } else {
                let note = required("note", "核查意见", note.as_deref().unwrap_or(""), 1000)?;
                for a in &mut cx.assignments {
                    if is_lead(a) && a.state == AssignmentState::Replied.as_str() {
                        a.state = AssignmentState::Signed.as_str().into();
                    }
                }
                if let Some(u) = cx.case.lead_unit_id {
                    cx.notify_unit(
                        u,
                        "case.verify_failed",
                        format!("核查未通过，请继续办理：{}", cx.case.case_no),
                    )
                    .await?;
                }
                return finish(
                    cx,
                    action,
                    &from_state,
                    json!({ "pass": false, "note": note }),
                )
                .await;
            }
            json!({ "pass": true, "note": note })
        }
        Command::Rate { level, comment } => {
            let revisit = p.role == Role::Intake && cx.case.channel != "portal";
            if !revisit && !is_submitter(p, &cx.case) {
                return Err(not_yours("只有诉求提交人可以评价（热线诉求由受理员回访）"));
            }
            let comment = match comment {
                Some(c) if !c.trim().is_empty() => Some(required("comment", "评价意见", &c, 1000)?),
                _ => None,
            };
            cx.transition(action)?;
            cx.case.rating = Some(level.as_str().into());
            cx.case.rating_comment = comment.clone();
            cx.case.rated_at = Some(cx.now);
            match cx.case.state.as_str() {
                "closed" => cx.case.closed_at = Some(cx.now),
                "handling" => {
                    // 重办: the lead unit handles it again on a new deadline
                    cx.case.reworks += 1;
                    let urgency = Urgency::parse(&cx.case.urgency)?;
                    let rule =
                        sla_rule(&state.store, zone, &cx.case.category_code, urgency).await?;
                    let cal = calendar(state, zone).await?;
                    let d = deadlines(&cal, cx.now, rule);
                    for a in &mut cx.assignments {
                        if is_lead(a) && a.state == AssignmentState::Replied.as_str() {
                            a.state = AssignmentState::Signed.as_str().into();
                            a.due_at = d.due_at;
                        }
                    }
                    cx.case.due_at = Some(d.due_at);
                    cx.tx.reset_sweep(cx.case.id).await?;
                    if let Some(u) = cx.case.lead_unit_id {
                        cx.notify_unit(
                            u,
                            "case.rework",
                            format!("群众不满意，请重办：{}", cx.case.case_no),
                        )
                        .await?;
                    }
                }
                _ => {}
            }
            json!({ "level": level.as_str(), "label": level.label(), "comment": comment, "revisit": revisit,
                    "rework": cx.case.state == "handling" })
        }
        Command::RequestExtension { days, reason } => {
            let reason = required("reason", "延期理由", &reason, 500)?;
            if !(1..=15).contains(&days) {
                return Err(AppError::invalid(
                    "validation.range",
                    "days",
                    "延期天数应为 1 到 15 个工作日",
                ));
            }
            let a = match my_assignment(p, &mut cx.assignments) {
                Some(a) if is_lead(a) => a.id,
                _ => return Err(not_yours("只有主办单位可以申请延期")),
            };
            cx.transition(action)?;
            let case = cx.case.clone();
            let id = cx
                .tx
                .insert_case_request(
                    &case,
                    a,
                    "extension",
                    &reason,
                    Some(days as i32),
                    None,
                    p.user.id,
                )
                .await?;
            json!({ "request_id": id, "days": days, "reason": reason })
        }
        Command::RequestPause {
            park,
            reason,
            review_on,
        } => {
            let reason = required(
                "reason",
                if park { "挂账理由" } else { "挂起理由" },
                &reason,
                500,
            )?;
            if park && review_on.is_none() {
                return Err(AppError::invalid(
                    "validation.required",
                    "review_on",
                    "挂账须填写复核日期",
                ));
            }
            let a = match my_assignment(p, &mut cx.assignments) {
                Some(a) if is_lead(a) => a.id,
                _ => return Err(not_yours("只有主办单位可以申请挂起或挂账")),
            };
            cx.transition(action)?;
            let case = cx.case.clone();
            let kind = if park { "park" } else { "pause" };
            let id = cx
                .tx
                .insert_case_request(&case, a, kind, &reason, None, review_on, p.user.id)
                .await?;
            json!({ "request_id": id, "kind": kind, "reason": reason, "review_on": review_on.map(|d| d.to_string()) })
        }
        Command::Decide {
            request_id,
            approve,
            note,
        } => {
            let r = request.expect("loaded above");
            if !approve {
                // a refusal changes nothing but the request
                cx.tx
                    .decide_case_request(request_id, false, p.user.id, note.as_deref())
                    .await?;
                let d = json!({ "request_id": request_id, "kind": r.kind, "approved": false, "note": note });
                return finish(cx, CaseAction::DecideExtension, &from_state, d).await;
            }
            cx.tx
                .decide_case_request(request_id, true, p.user.id, note.as_deref())
                .await?;
            cx.transition(action)?;
            if r.kind == "extension" {
                let cal = calendar(state, zone).await?;
                let days = r.days.unwrap_or(0).max(0) as u32;
                let due = cx.case.due_at.unwrap_or(cx.now).to_offset(BEIJING);
                let new_due = end_of_working_day(&cal, cal.add_workdays(due.date(), days));
                cx.case.due_at = Some(new_due);
                cx.tx.reset_sweep(cx.case.id).await?;
                for a in &mut cx.assignments {
                    if a.id == r.assignment_id {
                        a.due_at = new_due;
                    }
                }
                json!({ "request_id": request_id, "kind": "extension", "approved": true, "days": days,
                        "due_at": rfc3339(new_due), "note": note })
            } else {
                cx.case.paused_at = Some(cx.now);
                cx.case.review_on = r.review_on;
                json!({ "request_id": request_id, "kind": r.kind, "approved": true, "note": note,
                        "review_on": r.review_on.map(|d| d.to_string()) })
            }
        }
        Command::Resume { note } => {
            cx.transition(action)?;
            // the paused working time does not count: move every deadline by it
            let cal = calendar(state, zone).await?;
            let paused = cx
                .case
                .paused_at
                .map(|t| {
                    cal.working_minutes_between(t.to_offset(BEIJING), cx.now.to_offset(BEIJING))
                })
                .unwrap_or(0)
                .max(0) as u64;
            if let Some(due) = cx.case.due_at {
                let new_due = cal.add_working_minutes(due.to_offset(BEIJING), paused);
                cx.case.due_at = Some(new_due);
                for a in &mut cx.assignments {
                    if AssignmentState::parse(&a.state).is_ok_and(|s| s.is_active()) {
                        a.due_at = cal.add_working_minutes(a.due_at.to_offset(BEIJING), paused);
                    }
                }
            }
            cx.case.paused_at = None;
            cx.case.review_on = None;
            cx.tx.reset_sweep(cx.case.id).await?;
            json!({ "paused_working_minutes": paused, "note": note })
        }
        Command::Merge { master_id } => {
            if master_id == cx.case.id {
                return Err(AppError::invalid(
                    "validation.merge_self",
                    "master_id",
                    "不能与自身并单",
                ));
            }
            let master = state
                .store
                .case(zone, &CaseVisibility::Zone, master_id)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("validation.master", "master_id", "主案件不存在")
                })?;
            if CaseState::parse(&master.state).is_ok_and(|s| s.is_terminal()) {
                return Err(AppError::invalid(
                    "validation.master_closed",
                    "master_id",
                    format!("主案件 {} 已结束，不能并入", master.case_no),
                ));
            }
            cx.transition(action)?;
            cx.end_assignments(AssignmentState::Cancelled);
            cx.tx
                .close_duplicate_pairs_of(cx.case.id, p.user.id)
                .await?;
            cx.case.merged_into = Some(master.id);
            cx.case.closed_at = Some(cx.now);
            cx.notify_submitter(
                "case.merged",
                format!(
                    "您的诉求 {} 与 {} 为同一事项，已合并办理，将一并答复",
                    cx.case.case_no, master.case_no
                ),
            )
            .await?;
            json!({ "master_id": master.id, "master_case_no": master.case_no })
        }
        Command::SupervisorClose { note } => {
            let note = required("note", "裁定意见", &note, 1000)?;
            cx.transition(action)?;
            cx.end_assignments(AssignmentState::Cancelled);
            cx.case.closed_at = Some(cx.now);
            cx.notify_submitter(
                "case.closed",
                format!("您的诉求经督查裁定已办结：{}", cx.case.case_no),
            )
            .await?;
            json!({ "note": note })
        }
        Command::SupervisorRedispatch { note } => {
            let note = required("note", "裁定意见", &note, 1000)?;
            cx.transition(action)?;
            cx.end_assignments(AssignmentState::Cancelled);
            cx.case.lead_unit_id = None;
            cx.case.due_at = None;
            cx.case.sign_by = None;
            json!({ "note": note })
        }
        Command::Remind { note } => {
            let note = match note {
                Some(n) if !n.trim().is_empty() => Some(required("note", "催办意见", &n, 500)?),
                _ => None,
            };
            cx.transition(action)?;
            let units: Vec<(Uuid, bool)> = cx
                .assignments
                .iter()
                .filter(|a| {
                    AssignmentState::parse(&a.state).is_ok_and(|s| s.is_active())
                        && a.state != "replied"
                })
                .map(|a| (a.unit_id, a.state == "pending"))
                .collect();
            for (unit, unsigned) in &units {
                let what = if *unsigned {
                    "请尽快签收"
                } else {
                    "请加快办理"
                };
                cx.notify_unit(
                    *unit,
                    "case.reminder",
                    format!("催办：{}，{what}", cx.case.case_no),
                )
                .await?;
            }
            json!({ "note": note, "units": units.len() })
        }
        Command::Supervise { level, days, note } => {
            let label = supervision_level_label(&level).ok_or_else(|| {
                AppError::invalid(
                    "validation.unknown_value",
                    "level",
                    "督办级别应为 general（一般）、key（重点）或 listed（挂牌）",
                )
            })?;
            if !(1..=30).contains(&days) {
                return Err(AppError::invalid(
                    "validation.range",
                    "days",
                    "督办时限应为 1 到 30 个工作日",
                ));
            }
            let note = required("note", "督办要求", &note, 1000)?;
            let Some(unit) = cx.case.lead_unit_id else {
                return Err(AppError::Transition {
                    code: "case.no_lead_unit",
                    message: "该诉求尚无主办单位，不能督办".into(),
                });
            };
            cx.transition(action)?;
            let cal = calendar(state, zone).await?;
            let deadline = end_of_working_day(
                &cal,
                cal.add_workdays(cx.now.to_offset(BEIJING).date(), days),
            );
            let id = cx
                .tx
                .insert_supervision_order(
                    zone, cx.case.id, unit, &level, &note, deadline, p.user.id,
                )
                .await?;
            cx.notify_unit(
                unit,
                "case.supervision",
                format!("{label}督办：{}，请于期限内签收并反馈", cx.case.case_no),
            )
            .await?;
            if level != "general" {
                let text = format!(
                    "【即办】{label}督办：{} {}，请于 {} 前反馈。",
                    cx.case.case_no,
                    cx.case.title,
                    deadline.date()
                );
                let heads = state.store.unit_heads(unit).await?;
                cx.tx
                    .alert_people(zone, heads, cx.case.id, "case.supervision", &text)
                    .await?;
            }
            json!({ "order_id": id, "level": level, "level_name": label, "days": days, "deadline": rfc3339(deadline), "note": note })
        }
        Command::AcknowledgeSupervision { order_id } => {
            match my_assignment(p, &mut cx.assignments) {
                Some(a) if is_lead(a) => {}
                _ => return Err(not_yours("只有主办单位可以签收督办")),
            }
            cx.transition(action)?;
            if !cx
                .tx
                .acknowledge_supervision_order(cx.case.id, order_id, p.user.id)
                .await?
            {
                return Err(AppError::Transition {
                    code: "case.order_acknowledged",
                    message: "督办单不存在或已签收".into(),
                });
            }
            json!({ "order_id": order_id })
        }
    };
    finish(cx, action, &from_state, detail).await
}

/// Appends the event, saves the case and its assignments, commits.
async fn finish(
    mut cx: Ctx<'_>,
    action: CaseAction,
    from_state: &str,
    detail: Value,
) -> ApiResult<()> {
    let actor = format!("{}（{}）", cx.p.user.display_name, cx.p.user.username);
    let mut case = cx.case.clone();
    cx.tx
        .append_event(
            &mut case,
            Some(cx.p.user.id),
            &actor,
            action.code(),
            Some(from_state),
            detail,
        )
        .await?;
    cx.tx.save_case(&case).await?;
    for a in &cx.assignments {
        cx.tx.save_assignment(a).await?;
    }
    cx.tx.commit().await?;
    Ok(())
}

/// Files a demand (一口受理) for the caller: checks the channel against the role, every field,
/// the enterprise and the grid; numbers it; records the first event. Returns the case id and
/// whether it was created now (false: the idempotency key was used before).
pub async fn file(
    state: &AppState,
    p: &Principal,
    req: &NewCaseRequest,
) -> ApiResult<(Uuid, bool)> {
    p.require(Permission::CaseRead)?;
    let channel = Channel::parse(&req.channel)?;
    if !channel.filed_by().contains(&p.role) {
        return Err(AppError::Forbidden {
            code: "auth.forbidden",
            message: format!(
                "您的角色（{}）不能通过“{}”渠道登记诉求",
                p.role.label(),
                channel.label()
            ),
        });
    }
    let key = optional_line(
        "idempotency_key",
        "幂等键",
        req.idempotency_key.as_deref(),
        100,
    )?;
    if let Some(k) = &key
        && let Some(existing) = state
            .store
            .case_by_idempotency_key(p.zone_id(), p.user.id, k)
            .await?
    {
        return Ok((existing.id, false));
    }
    let title = required_line("title", "标题", &req.title, 100)?;
    let description = required_text("description", "诉求内容", &req.description, 4000)?;
    let urgency = match &req.urgency {
        Some(u) => Urgency::parse(u)?,
        None => Urgency::Normal,
    };
    check_category(state, p.zone_id(), req.category_code.trim()).await?;
    let enterprise_id = if p.role == Role::Enterprise {
        Some(p.user.enterprise_id.ok_or_else(|| {
            AppError::invalid("validation.enterprise", "enterprise_id", "账号未关联企业")
        })?)
    } else if let Some(code) = &req.enterprise_uscc {
        let uscc = Uscc::parse(code).map_err(|e| e.with_field("enterprise_uscc"))?;
        Some(
            state
                .store
                .enterprise_by_uscc(p.zone_id(), uscc.as_str())
                .await?
                .ok_or_else(|| {
                    AppError::invalid(
                        "validation.enterprise",
                        "enterprise_uscc",
                        format!("未找到统一社会信用代码为 {uscc} 的企业"),
                    )
                })?
                .id,
        )
    } else if let Some(id) = req.enterprise_id {
        state
            .store
            .enterprise(p.zone_id(), &Visibility::Zone, id)
            .await?
            .ok_or_else(|| {
                AppError::invalid("validation.enterprise", "enterprise_id", "企业不存在")
            })?;
        Some(id)
    } else {
        None
    };
    let person_name = optional_line("person_name", "诉求人姓名", req.person_name.as_deref(), 32)?;
    let person_phone = match req.person_phone.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(
            Phone::parse(s)
                .map_err(|e| e.with_field("person_phone"))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    if channel == Channel::Hotline && (person_name.is_none() || person_phone.is_none()) {
        let field = if person_name.is_none() {
            "person_name"
        } else {
            "person_phone"
        };
        return Err(AppError::invalid(
            "validation.required",
            field,
            "热线诉求须登记来电人姓名和电话",
        ));
    }
    let address = optional_line("address", "地址", req.address.as_deref(), 200)?;
    let grid_id = match req.grid_id {
        Some(g) => {
            let unit = state
                .store
                .org_unit(g)
                .await?
                .filter(|u| u.zone_id == p.zone_id() && u.kind == "grid" && u.active)
                .ok_or_else(|| AppError::invalid("validation.grid", "grid_id", "网格不存在"))?;
            if p.role == Role::GridWorker && !unit.path.starts_with(&p.user.org_unit_path) {
                return Err(AppError::invalid(
                    "validation.grid",
                    "grid_id",
                    "只能上报本人负责网格内的事项",
                ));
            }
            Some(g)
        }
        None if channel == Channel::Grid => {
            return Err(AppError::invalid(
                "validation.required",
                "grid_id",
                "网格上报须选择网格",
            ));
        }
        None => None,
    };
    // a demand about an enterprise lies where the enterprise lies (street and grid for lists)
    let grid_id = match (grid_id, enterprise_id) {
        (None, Some(e)) => state
            .store
            .enterprise(p.zone_id(), &Visibility::Zone, e)
            .await?
            .and_then(|e| e.grid_id),
        (g, _) => g,
    };
    if channel == Channel::Grid && address.is_none() {
        return Err(AppError::invalid(
            "validation.required",
            "address",
            "网格上报须填写位置",
        ));
    }
    for (v, field, lo, hi) in [(req.lon, "lon", 73.0, 136.0), (req.lat, "lat", 3.0, 54.0)] {
        if let Some(x) = v
            && !(lo..=hi).contains(&x)
        {
            return Err(AppError::invalid(
                "validation.range",
                field,
                "坐标不在中国境内",
            ));
        }
    }
    let expected = optional_text(
        "expected_outcome",
        "期望结果",
        req.expected_outcome.as_deref(),
        1000,
    )?;

    let now = jiban_store::now().to_offset(BEIJING);
    let day = format!(
        "{:04}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    );
    let initial = if channel.accepted_on_filing() {
        CaseState::PendingDispatch
    } else {
        CaseState::Submitted
    };
    let mut tx = state.store.begin().await?;
    let new = NewCase {
        zone_id: p.zone_id(),
        // numbered last, just before commit, so the zone's per-day counter row is locked for as
        // short a time as possible (every intake of the zone and day queues on it)
        case_no: format!("~{}", uuid::Uuid::now_v7().simple()),
        channel: channel.as_str().into(),
        state: initial.as_str().into(),
        title,
        description,
        category_code: req.category_code.trim().into(),
        urgency: urgency.as_str().into(),
        enterprise_id,
        person_name,
        person_phone,
        address,
        grid_id,
        lon: req.lon,
        lat: req.lat,
        expected_outcome: expected,
        submitter_id: (p.role == Role::Enterprise).then_some(p.user.id),
        filed_by: p.user.id,
        idempotency_key: key.clone(),
    };
    let id = match tx.insert_case(&new).await {
        Ok(id) => id,
        // a concurrent retry with the same key won the race: answer with its case
        Err(jiban_store::StoreError::Duplicate { field }) if field == "idempotency_key" => {
            drop(tx);
            let k = key.unwrap_or_default();
            let existing = state
                .store
                .case_by_idempotency_key(p.zone_id(), p.user.id, &k)
                .await?
                .ok_or_else(|| AppError::not_found("诉求"))?;
            return Ok((existing.id, false));
        }
        Err(e) => return Err(e.into()),
    };
    let mut case = tx.lock_case(p.zone_id(), id).await?;
    let actor = p.label();
    tx.append_event(
        &mut case,
        Some(p.user.id),
        &actor,
        "file",
        None,
        json!({ "channel": channel.as_str(), "channel_name": channel.label(), "accepted": channel.accepted_on_filing() }),
    )
    .await?;
    tx.save_case(&case).await?;
    let seq = tx.next_case_seq(p.zone_id(), &day).await?;
    tx.set_case_no(id, CaseNo::new(now.date(), seq as u32).as_str())
        .await?;
    tx.commit().await?;
    Ok((id, true))
}

/// The actions the caller may take on this case now (the case page shows only these).
pub fn allowed_actions(
    app: &AppState,
    p: &Principal,
    case: &CaseRow,
    assignments: &[AssignmentRow],
    pending_requests: usize,
) -> Vec<&'static str> {
    let Ok(state) = CaseState::parse(&case.state) else {
        return vec![];
    };
    let facts = CaseFacts {
        any_signed: assignments.iter().any(|a| a.signed_at.is_some()),
        bounces: case.bounces as u32,
        bounce_limit: app.cfg.bounce_limit,
        reworks: case.reworks as u32,
    };
    let mine = assignments.iter().find(|a| {
        AssignmentState::parse(&a.state).is_ok_and(|s| s.is_active())
            && a.unit_path
                .as_deref()
                .is_some_and(|path| path.starts_with(&p.user.org_unit_path))
    });
    let lead = mine.is_some_and(is_lead);
    let submitter = is_submitter(p, case);
    let revisit = p.role == Role::Intake && case.channel != "portal";
    let candidates: [(CaseAction, bool); 20] = [
        (CaseAction::Accept, true),
        (CaseAction::Reject, true),
        (CaseAction::Withdraw, submitter),
        (CaseAction::Dispatch, true),
        (CaseAction::Reassign, true),
        (
            CaseAction::Sign { lead },
            mine.is_some_and(|a| a.state == "pending"),
        ),
        (CaseAction::Return, lead),
        (
            CaseAction::Reply { lead },
            mine.is_some_and(|a| a.state == "signed"),
        ),
        (CaseAction::Verify { pass: true }, true),
        (
            CaseAction::Rate(jiban_core::case::Satisfaction::Satisfied),
            submitter || revisit,
        ),
        (CaseAction::RequestExtension, lead),
        (CaseAction::RequestPause, lead),
        (CaseAction::DecideExtension, pending_requests > 0),
        (CaseAction::Resume, true),
        (CaseAction::Merge, true),
        (CaseAction::SupervisorClose, true),
        (CaseAction::SupervisorRedispatch, true),
        (CaseAction::Remind, true),
        (CaseAction::Supervise, case.lead_unit_id.is_some()),
        (CaseAction::AcknowledgeSupervision, lead),
    ];
    candidates
        .into_iter()
        .filter(|(a, related)| {
            *related && a.roles().contains(&p.role) && next_state(state, *a, facts).is_ok()
        })
        .map(|(a, _)| match a {
            CaseAction::DecideExtension => "decide",
            other => other.code(),
        })
        .collect()
}
