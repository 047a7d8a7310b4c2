//! The permission table: every viewer × visibility × action, written out by hand.

use super::*;

/// Columns: guest without guest access, guest with guest access, signed-in
/// non-member, member, moderator, owner, admin who is not a member, admin
/// who is a member.
/// Letters: A allow, D deny (403), H hide (404).
const COMMUNITY_OPEN: &[(Visibility, SpaceAction, &str)] = &[
    (Visibility::Public, SpaceAction::See, "HAAAAAAA"),
    (Visibility::Public, SpaceAction::Read, "HAAAAAAA"),
    (Visibility::Public, SpaceAction::Write, "HDDAAADA"),
    (Visibility::Public, SpaceAction::Join, "HDADDDAD"),
    (Visibility::Public, SpaceAction::RequestJoin, "HDDDDDDD"),
    (Visibility::Public, SpaceAction::Leave, "HDDAAADA"),
    (Visibility::Public, SpaceAction::Moderate, "HDDDAAAA"),
    (Visibility::Public, SpaceAction::Manage, "HDDDDAAA"),
    (Visibility::Private, SpaceAction::See, "HHAAAAAA"),
    (Visibility::Private, SpaceAction::Read, "HHDAAAAA"),
    (Visibility::Private, SpaceAction::Write, "HHDAAADA"),
    (Visibility::Private, SpaceAction::Join, "HHADDDAD"),
    (Visibility::Private, SpaceAction::RequestJoin, "HHDDDDDD"),
    (Visibility::Private, SpaceAction::Leave, "HHDAAADA"),
    (Visibility::Private, SpaceAction::Moderate, "HHDDAAAA"),
    (Visibility::Private, SpaceAction::Manage, "HHDDDAAA"),
    (Visibility::Secret, SpaceAction::See, "HHHAAAAA"),
    (Visibility::Secret, SpaceAction::Read, "HHHAAAAA"),
    (Visibility::Secret, SpaceAction::Write, "HHHAAADA"),
    (Visibility::Secret, SpaceAction::Join, "HHHDDDAD"),
    (Visibility::Secret, SpaceAction::RequestJoin, "HHHDDDDD"),
    (Visibility::Secret, SpaceAction::Leave, "HHHAAADA"),
    (Visibility::Secret, SpaceAction::Moderate, "HHHDAAAA"),
    (Visibility::Secret, SpaceAction::Manage, "HHHDDAAA"),
];

fn viewers() -> [(Viewer, Option<Role>, bool); 8] {
    let user = Viewer::User {
        id: UserId(7),
        admin: false,
    };
    let admin = Viewer::User {
        id: UserId(1),
        admin: true,
    };
    [
        (Viewer::Guest, None, false),
        (Viewer::Guest, None, true),
        (user, None, false),
        (user, Some(Role::Member), false),
        (user, Some(Role::Moderator), false),
        (user, Some(Role::Owner), false),
        (admin, None, false),
        (admin, Some(Role::Member), false),
    ]
}

fn letter(d: Decision) -> char {
    match d {
        Decision::Allow => 'A',
        Decision::Deny => 'D',
        Decision::Hide => 'H',
    }
}

fn row(kind: SpaceKind, visibility: Visibility, policy: JoinPolicy, action: SpaceAction) -> String {
    viewers()
        .iter()
        .map(|&(viewer, role, guest_access)| {
            let space = SpaceAccess {
                kind,
                visibility,
                join_policy: policy,
                role,
                guest_access,
            };
            letter(decide(viewer, &space, action))
        })
        .collect()
}

#[test]
fn the_table_covers_every_visibility_and_action() {
    for v in Visibility::ALL {
        for a in SpaceAction::ALL {
            let rows = COMMUNITY_OPEN
                .iter()
                .filter(|(tv, ta, _)| tv == v && ta == a);
            assert_eq!(rows.count(), 1, "{v:?} {a:?} must appear exactly once");
        }
    }
}

#[test]
fn community_spaces_with_open_joining_follow_the_table() {
    for &(visibility, action, expected) in COMMUNITY_OPEN {
        let got = row(SpaceKind::Community, visibility, JoinPolicy::Open, action);
        assert_eq!(got, expected, "{visibility:?} {action:?}");
    }
}

#[test]
fn request_policy_turns_joining_into_asking() {
    for (visibility, join, ask) in [
        (Visibility::Public, "HDDDDDDD", "HDADDDAD"),
        (Visibility::Private, "HHDDDDDD", "HHADDDAD"),
        (Visibility::Secret, "HHHDDDDD", "HHHDDDAD"),
    ] {
        let j = row(
            SpaceKind::Community,
            visibility,
            JoinPolicy::Request,
            SpaceAction::Join,
        );
        let r = row(
            SpaceKind::Community,
            visibility,
            JoinPolicy::Request,
            SpaceAction::RequestJoin,
        );
        assert_eq!((j.as_str(), r.as_str()), (join, ask), "{visibility:?}");
    }
}

#[test]
fn invite_policy_allows_neither_joining_nor_asking() {
    for v in Visibility::ALL {
        for a in [SpaceAction::Join, SpaceAction::RequestJoin] {
            let got = row(SpaceKind::Community, *v, JoinPolicy::Invite, a);
            assert!(!got.contains('A'), "{v:?} {a:?}: {got}");
        }
    }
}

/// A personal space (public, its user the owner): read by everyone signed
/// in, never joined, asked for or left, whatever its join policy says.
const PERSONAL: &[(SpaceAction, &str)] = &[
    (SpaceAction::See, "HAAAAAAA"),
    (SpaceAction::Read, "HAAAAAAA"),
    (SpaceAction::Write, "HDDAAADA"),
    (SpaceAction::Join, "HDDDDDDD"),
    (SpaceAction::RequestJoin, "HDDDDDDD"),
    (SpaceAction::Leave, "HDDDDDDD"),
    (SpaceAction::Moderate, "HDDDAAAA"),
    (SpaceAction::Manage, "HDDDDAAA"),
];

#[test]
fn personal_spaces_follow_their_table_under_every_policy() {
    assert_eq!(PERSONAL.len(), SpaceAction::ALL.len());
    for policy in JoinPolicy::ALL {
        for &(action, expected) in PERSONAL {
            let got = row(SpaceKind::Personal, Visibility::Public, *policy, action);
            assert_eq!(got, expected, "{policy:?} {action:?}");
        }
    }
}

#[test]
fn the_join_policy_changes_nothing_but_joining() {
    for policy in JoinPolicy::ALL {
        for &(visibility, action, expected) in COMMUNITY_OPEN {
            if matches!(action, SpaceAction::Join | SpaceAction::RequestJoin) {
                continue;
            }
            let got = row(SpaceKind::Community, visibility, *policy, action);
            assert_eq!(got, expected, "{policy:?} {visibility:?} {action:?}");
        }
    }
}
