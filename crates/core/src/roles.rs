//! Roles, permissions and data scopes — *what* a user may do, and *which rows* they may see.
//!
//! Two independent questions are answered here:
//!
//! 1. **May this user call this operation?** Each [`Role`] has a fixed set of [`Permission`]s
//!    ([`Role::permissions`]); an endpoint requires one permission.
//! 2. **Which records may this user see?** [`data_scope`] derives a [`DataScope`] from the role and
//!    the kind of the user's unit: the whole zone, a subtree of the org tree, or one enterprise.
//!
//! A user has exactly one role and belongs to exactly one org unit.

use uuid::Uuid;

use crate::org::UnitKind;

/// A role. Serialised as its code ([`as_str`](Self::as_str)); [`label`](Self::label) is the Chinese
/// name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Role {
    /// 企业用户 — a person acting for one enterprise (submits demands, sees only its own data).
    Enterprise,
    /// 受理员 — registers demands arriving by hotline, window or other channels.
    Intake,
    /// 派单员 — dispatches cases to lead and assisting units.
    Dispatcher,
    /// 承办人 — handles the cases of their unit.
    Handler,
    /// 部门负责人 — head of a department or street; approves replies and extensions.
    DeptHead,
    /// 督查员 — supervision: reminders, 督办 orders, verification, rankings.
    Supervisor,
    /// 领导 — zone leadership: read-only overview, may assign cases.
    Leader,
    /// 网格员 — grid worker reporting what they find in their grid.
    GridWorker,
    /// 系统管理员 — administers org units, users and the calendar.
    Admin,
}

impl Role {
    /// All roles, in display order.
    pub const ALL: [Role; 9] = [
        Role::Enterprise,
        Role::Intake,
        Role::Dispatcher,
        Role::Handler,
        Role::DeptHead,
        Role::Supervisor,
        Role::Leader,
        Role::GridWorker,
        Role::Admin,
    ];

    /// Stable machine code: `enterprise`, `intake`, `dispatcher`, `handler`, `dept_head`,
    /// `supervisor`, `leader`, `grid_worker`, `admin`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Enterprise => "enterprise",
            Role::Intake => "intake",
            Role::Dispatcher => "dispatcher",
            Role::Handler => "handler",
            Role::DeptHead => "dept_head",
            Role::Supervisor => "supervisor",
            Role::Leader => "leader",
            Role::GridWorker => "grid_worker",
            Role::Admin => "admin",
        }
    }

    /// Chinese name: 企业用户, 受理员, 派单员, 承办人, 部门负责人, 督查员, 领导, 网格员, 系统管理员.
    pub const fn label(self) -> &'static str {
        match self {
            Role::Enterprise => "企业用户",
            Role::Intake => "受理员",
            Role::Dispatcher => "派单员",
            Role::Handler => "承办人",
            Role::DeptHead => "部门负责人",
            Role::Supervisor => "督查员",
            Role::Leader => "领导",
            Role::GridWorker => "网格员",
            Role::Admin => "系统管理员",
        }
    }

    /// The permissions of the role (fixed in code, not configurable):
    ///
    /// | role | permissions |
    /// |---|---|
    /// | admin | all |
    /// | leader | `org.read`, `enterprise.read`, `audit.read`, `token.self`, `case.read`, `assessment.read` |
    /// | supervisor | the same and `assessment.write` |
    /// | dispatcher | `org.read`, `enterprise.read`, `token.self`, `case.read`, `assessment.read` |
    /// | intake | `org.read`, `enterprise.read`, `token.self`, `case.read` |
    /// | dept_head | `org.read`, `enterprise.read`, `token.self`, `case.read`, `policy.write`, `assessment.read` |
    /// | handler | `enterprise.read`, `token.self`, `case.read`, `policy.write` |
    /// | grid_worker, enterprise | `enterprise.read`, `token.self`, `case.read` |
    ///
    /// Reading an enterprise is still limited by the [`DataScope`].
    pub const fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Admin => &Permission::ALL,
            Role::Leader => &[
                OrgRead,
                EnterpriseRead,
                AuditRead,
                TokenSelf,
                CaseRead,
                AssessmentRead,
            ],
            Role::Supervisor => &[
                OrgRead,
                EnterpriseRead,
                AuditRead,
                TokenSelf,
                CaseRead,
                AssessmentRead,
                AssessmentWrite,
            ],
            Role::Dispatcher => &[OrgRead, EnterpriseRead, TokenSelf, CaseRead, AssessmentRead],
            Role::Intake => &[OrgRead, EnterpriseRead, TokenSelf, CaseRead],
            Role::DeptHead => &[
                OrgRead,
                EnterpriseRead,
                TokenSelf,
                CaseRead,
                PolicyWrite,
                AssessmentRead,
            ],
            Role::Handler => &[EnterpriseRead, TokenSelf, CaseRead, PolicyWrite],
            Role::GridWorker | Role::Enterprise => &[EnterpriseRead, TokenSelf, CaseRead],
        }
    }

    /// Whether the role has `permission`.
    pub fn has(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

code_enum_impls!(Role, "role", "角色");

/// A permission, required by an operation. Serialised as its dotted code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Permission {
    /// `org.read` — list org units and their history.
    OrgRead,
    /// `org.write` — create, rename, move, (de)activate org units.
    OrgWrite,
    /// `user.read` — list users.
    UserRead,
    /// `user.write` — create and change users, reset passwords.
    UserWrite,
    /// `enterprise.read` — read the enterprise registry (within the data scope).
    EnterpriseRead,
    /// `enterprise.write` — create and change enterprise records.
    EnterpriseWrite,
    /// `audit.read` — read the audit log.
    AuditRead,
    /// `calendar.write` — maintain holidays and make-up working days.
    CalendarWrite,
    /// `token.self` — manage one's own API tokens.
    TokenSelf,
    /// `case.read` — read cases (within the case visibility).
    CaseRead,
    /// `sla.write` — edit the time limits per category and urgency.
    SlaWrite,
    /// `routing.write` — edit the dispatch rules (category → lead unit) and retrain the model.
    RoutingWrite,
    /// `indicator.write` — define operating indicators and the colour-band rules (五色图).
    IndicatorWrite,
    /// `policy.write` — enter policies, push them, review applications and record payouts (the
    /// handler must also belong to a department or the zone; see docs/POLICIES.md).
    PolicyWrite,
    /// `assessment.read` — read the assessment rankings, their drill-down, reports, all warning
    /// letters and the command dashboard.
    AssessmentRead,
    /// `assessment.write` — assessment settings, snapshots on demand and corrections, issuing
    /// warning letters, exempting cases from the assessment.
    AssessmentWrite,
}

impl Permission {
    /// All permissions.
    pub const ALL: [Permission; 16] = [
        Permission::OrgRead,
        Permission::OrgWrite,
        Permission::UserRead,
        Permission::UserWrite,
        Permission::EnterpriseRead,
        Permission::EnterpriseWrite,
        Permission::AuditRead,
        Permission::CalendarWrite,
        Permission::TokenSelf,
        Permission::CaseRead,
        Permission::SlaWrite,
        Permission::RoutingWrite,
        Permission::IndicatorWrite,
        Permission::PolicyWrite,
        Permission::AssessmentRead,
        Permission::AssessmentWrite,
    ];

    /// Stable dotted code, e.g. `org.read`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::OrgRead => "org.read",
            Permission::OrgWrite => "org.write",
            Permission::UserRead => "user.read",
            Permission::UserWrite => "user.write",
            Permission::EnterpriseRead => "enterprise.read",
            Permission::EnterpriseWrite => "enterprise.write",
            Permission::AuditRead => "audit.read",
            Permission::CalendarWrite => "calendar.write",
            Permission::TokenSelf => "token.self",
            Permission::CaseRead => "case.read",
            Permission::SlaWrite => "sla.write",
            Permission::RoutingWrite => "routing.write",
            Permission::IndicatorWrite => "indicator.write",
            Permission::PolicyWrite => "policy.write",
            Permission::AssessmentRead => "assessment.read",
            Permission::AssessmentWrite => "assessment.write",
        }
    }

    /// Chinese description, for the roles page.
    pub const fn label(self) -> &'static str {
        match self {
            Permission::OrgRead => "查看组织机构",
            Permission::OrgWrite => "维护组织机构",
            Permission::UserRead => "查看用户",
            Permission::UserWrite => "维护用户",
            Permission::EnterpriseRead => "查看企业",
            Permission::EnterpriseWrite => "维护企业",
            Permission::AuditRead => "查看审计日志",
            Permission::CalendarWrite => "维护工作日历",
            Permission::TokenSelf => "管理本人 API 令牌",
            Permission::CaseRead => "查看诉求",
            Permission::SlaWrite => "维护办理时限",
            Permission::RoutingWrite => "维护派单规则",
            Permission::IndicatorWrite => "维护运行指标与色标规则",
            Permission::PolicyWrite => "维护惠企政策与审核申报",
            Permission::AssessmentRead => "查看考核排名与指挥大屏",
            Permission::AssessmentWrite => "维护考核设置、生成排名与督办函件",
        }
    }
}

code_enum_impls!(Permission, "permission", "权限");

/// Which records a user may see.
///
/// Serialised as `{"kind":"zone"}`, `{"kind":"subtree","id":"…"}`, `{"kind":"enterprise","id":"…"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum DataScope {
    /// Everything in the zone.
    Zone,
    /// The org unit with this id and everything below it (its units, and the enterprises and
    /// cases located in them).
    Subtree(Uuid),
    /// Only this enterprise's own records.
    Enterprise(Uuid),
}

/// The data scope of a user, from their role and their unit.
///
/// The rule, in order:
/// 1. **Enterprise users** see only their own enterprise: [`DataScope::Enterprise`]. An enterprise
///    user must be linked to an enterprise; if `enterprise_id` is `None` (a data error), the scope
///    fails closed to `Enterprise(Uuid::nil())`, which matches nothing.
/// 2. **Users of the zone or of a functional department** see the whole zone:
///    [`DataScope::Zone`]. A functional department (经济发展部, 应急管理局 …) serves every street,
///    so its staff must see every enterprise and case of the zone, whatever their role.
/// 3. **Users of a territorial unit** (street, community, village, grid) see their unit's subtree:
///    [`DataScope::Subtree`]`(unit_id)` — a street handler sees the street's communities, villages
///    and grids, a grid worker only their grid.
///
/// `enterprise_id` is ignored for every role other than [`Role::Enterprise`].
pub fn data_scope(
    role: Role,
    unit_kind: UnitKind,
    unit_id: Uuid,
    enterprise_id: Option<Uuid>,
) -> DataScope {
    if role == Role::Enterprise {
        return DataScope::Enterprise(enterprise_id.unwrap_or(Uuid::nil()));
    }
    match unit_kind {
        UnitKind::Zone | UnitKind::Department => DataScope::Zone,
        UnitKind::Street | UnitKind::Community | UnitKind::Village | UnitKind::Grid => {
            DataScope::Subtree(unit_id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn codes_and_labels() {
        let codes: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            codes,
            [
                "enterprise",
                "intake",
                "dispatcher",
                "handler",
                "dept_head",
                "supervisor",
                "leader",
                "grid_worker",
                "admin"
            ]
        );
        let labels: Vec<_> = Role::ALL.iter().map(|r| r.label()).collect();
        assert_eq!(
            labels,
            [
                "企业用户",
                "受理员",
                "派单员",
                "承办人",
                "部门负责人",
                "督查员",
                "领导",
                "网格员",
                "系统管理员"
            ]
        );
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), r);
        }
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()).unwrap(), p);
        }
        assert_eq!(
            Role::parse("root").unwrap_err().code,
            "validation.unknown_value"
        );
        assert_eq!(serde_json::to_string(&TokenSelf).unwrap(), "\"token.self\"");
    }

    #[test]
    fn permission_table() {
        assert_eq!(Role::Admin.permissions(), &Permission::ALL);
        assert_eq!(
            Role::Leader.permissions(),
            [
                OrgRead,
                EnterpriseRead,
                AuditRead,
                TokenSelf,
                CaseRead,
                AssessmentRead
            ]
        );
        assert_eq!(
            Role::Supervisor.permissions(),
            [
                OrgRead,
                EnterpriseRead,
                AuditRead,
                TokenSelf,
                CaseRead,
                AssessmentRead,
                AssessmentWrite
            ]
        );
        assert_eq!(
            Role::Dispatcher.permissions(),
            [OrgRead, EnterpriseRead, TokenSelf, CaseRead, AssessmentRead]
        );
        assert_eq!(
            Role::Intake.permissions(),
            [OrgRead, EnterpriseRead, TokenSelf, CaseRead]
        );
        assert_eq!(
            Role::DeptHead.permissions(),
            [
                OrgRead,
                EnterpriseRead,
                TokenSelf,
                CaseRead,
                PolicyWrite,
                AssessmentRead
            ]
        );
        assert_eq!(
            Role::Handler.permissions(),
            [EnterpriseRead, TokenSelf, CaseRead, PolicyWrite]
        );
        for r in [Role::GridWorker, Role::Enterprise] {
            assert_eq!(r.permissions(), [EnterpriseRead, TokenSelf, CaseRead]);
        }
        for r in Role::ALL {
            assert!(r.has(TokenSelf) && r.has(EnterpriseRead) && r.has(CaseRead));
            assert_eq!(r.has(SlaWrite), r == Role::Admin);
            assert_eq!(r.has(OrgWrite), r == Role::Admin);
            assert_eq!(r.has(CalendarWrite), r == Role::Admin);
            assert_eq!(
                r.has(PolicyWrite),
                matches!(r, Role::Admin | Role::DeptHead | Role::Handler)
            );
        }
    }

    #[test]
    fn scopes() {
        let unit = Uuid::from_u128(7);
        let ent = Uuid::from_u128(9);
        assert_eq!(
            data_scope(Role::Enterprise, UnitKind::Grid, unit, Some(ent)),
            DataScope::Enterprise(ent)
        );
        assert_eq!(
            data_scope(Role::Enterprise, UnitKind::Grid, unit, None),
            DataScope::Enterprise(Uuid::nil())
        );
        for r in Role::ALL.into_iter().filter(|r| *r != Role::Enterprise) {
            assert_eq!(data_scope(r, UnitKind::Zone, unit, None), DataScope::Zone);
            assert_eq!(
                data_scope(r, UnitKind::Department, unit, Some(ent)),
                DataScope::Zone
            );
            for k in [
                UnitKind::Street,
                UnitKind::Community,
                UnitKind::Village,
                UnitKind::Grid,
            ] {
                assert_eq!(data_scope(r, k, unit, None), DataScope::Subtree(unit));
            }
        }
        let json = serde_json::to_string(&DataScope::Subtree(unit)).unwrap();
        assert_eq!(json, format!("{{\"kind\":\"subtree\",\"id\":\"{unit}\"}}"));
        assert_eq!(
            serde_json::to_string(&DataScope::Zone).unwrap(),
            "{\"kind\":\"zone\"}"
        );
    }
}
