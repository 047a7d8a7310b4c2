//! The permission table: every viewer × visibility × action, written out by hand.

use super::*;

/// Columns: guest without guest access, guest with guest access, signed-in
/// non-member, member, moderator, owner, admin who is not a member.
/// Letters: A allow, D deny (403), H hide (404).
const COMMUNITY_OPEN: &[(Visibility, SpaceAction, &str)] = &[
    (Visibility::Public, SpaceAction::See, "HAAAAAA"),
    (Visibility::Public, SpaceAction::Read, "HAAAAAA"),
    (Visibility::Public, SpaceAction::Write, "HDDAAAD"),
    (Visibility::Public, SpaceAction::Join, "HDADDDA"),
    (Visibility::Public, SpaceAction::RequestJoin, "HDDDDDD"),
    (Visibility::Public, SpaceAction::Leave, "HDDAAAD"),
    (Visibility::Public, SpaceAction::Moderate, "HDDDAAA"),
    (Visibility::Public, SpaceAction::Manage, "HDDDDAA"),
    (Visibility::Private, SpaceAction::See, "HHAAAAA"),
    (Visibility::Private, SpaceAction::Read, "HHDAAAA"),
    (Visibility::Private, SpaceAction::Write, "HHDAAAD"),
    (Visibility::Private, SpaceAction::Join, "HHADDDA"),
    (Visibility::Private, SpaceAction::RequestJoin, "HHDDDDD"),
    (Visibility::Private, SpaceAction::Leave, "HHDAAAD"),
    (Visibility::Private, SpaceAction::Moderate, "HHDDAAA"),
    (Visibility::Private, SpaceAction::Manage, "HHDDDAA"),
    (Visibility::Secret, SpaceAction::See, "HHHAAAA"),
    (Visibility::Secret, SpaceAction::Read, "HHHAAAA"),
    (Visibility::Secret, SpaceAction::Write, "HHHAAAD"),
    (Visibility::Secret, SpaceAction::Join, "HHHDDDA"),
    (Visibility::Secret, SpaceAction::RequestJoin, "HHHDDDD"),
    (Visibility::Secret, SpaceAction::Leave, "HHHAAAD"),
    (Visibility::Secret, SpaceAction::Moderate, "HHHDAAA"),
    (Visibility::Secret, SpaceAction::Manage, "HHHDDAA"),
];

fn viewers() -> [(Viewer, Option<Role>, bool); 7] {
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
        (Visibility::Public, "HDDDDDD", "HDADDDA"),
        (Visibility::Private, "HHDDDDD", "HHADDDA"),
        (Visibility::Secret, "HHHDDDD", "HHHDDDA"),
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

#[test]
fn personal_spaces_cannot_be_joined_or_left() {
    for a in [
        SpaceAction::Join,
        SpaceAction::RequestJoin,
        SpaceAction::Leave,
    ] {
        let got = row(SpaceKind::Personal, Visibility::Public, JoinPolicy::Open, a);
        assert!(!got.contains('A'), "{a:?}: {got}");
    }
    let write = row(
        SpaceKind::Personal,
        Visibility::Public,
        JoinPolicy::Invite,
        SpaceAction::Write,
    );
    assert_eq!(write, "HDDAAAD");
}
