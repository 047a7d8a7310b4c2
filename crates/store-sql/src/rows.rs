//! Records read out of rows. Each reader sits beside its select list and
//! reads the columns in the same order, one after another: joined records
//! are read in turn from one cursor, with no offsets to keep in step.

use hearth_core::content::{Tag, Title};
use hearth_core::model::{
    JoinPolicy, Role, SpaceKind, TopicKind, TopicState, UserStatus, Visibility,
};
use hearth_core::names::{Description, DisplayName, Email, SpaceName, Username};
use hearth_store::{
    ApiToken, Attachment, Invite, Person, ProfileDetails, Reply, Result, Revision, Session, Space,
    SpaceView, Topic, User,
};

use crate::conn::Dialect;
use crate::value::Cursor;

/// The columns of `users u` that [`user`] reads.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at";

pub(crate) fn user(c: &mut Cursor<'_>) -> Result<User> {
    Ok(User {
        id: c.get()?,
        username: Username::from_trusted(c.get()?),
        display_name: DisplayName::from_trusted(c.get()?),
        email: Email::from_trusted(c.get()?),
        is_admin: c.get()?,
        status: c.parse(UserStatus::parse)?,
        created_at: c.get()?,
    })
}

/// The columns of `users u` that [`person`] reads.
pub(crate) const PERSON_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.email, u.is_admin, u.status, u.created_at,
     u.title, u.department, u.location, u.about_md, u.about_html, u.show_email, u.avatar_large";

pub(crate) fn person(c: &mut Cursor<'_>) -> Result<Person> {
    Ok(Person {
        user: user(c)?,
        details: ProfileDetails {
            title: c.get::<Option<String>>()?.unwrap_or_default(),
            department: c.get::<Option<String>>()?.unwrap_or_default(),
            location: c.get::<Option<String>>()?.unwrap_or_default(),
            about_md: c.get::<Option<String>>()?.unwrap_or_default(),
            about_html: c.get::<Option<String>>()?.unwrap_or_default(),
            show_email: c.get::<Option<bool>>()?.unwrap_or_default(),
        },
        avatar: c.get()?,
    })
}

/// The columns of `spaces s` that [`space`] reads.
pub(crate) const SPACE_COLUMNS: &str =
    "s.id, s.slug, s.name, s.description, s.kind, s.visibility, s.join_policy, s.created_at";

pub(crate) fn space(c: &mut Cursor<'_>) -> Result<Space> {
    Ok(Space {
        id: c.get()?,
        slug: c.get()?,
        name: SpaceName::from_trusted(c.get()?),
        description: Description::from_trusted(c.get()?),
        kind: c.parse(SpaceKind::parse)?,
        visibility: c.parse(Visibility::parse)?,
        join_policy: c.parse(JoinPolicy::parse)?,
        created_at: c.get()?,
    })
}

pub(crate) fn role(c: &mut Cursor<'_>) -> Result<Role> {
    c.parse(Role::parse)
}

/// The columns [`space_view`] reads: a space (`s`), the viewer's
/// membership (`m`, joined on `$1`) and the member count.
pub(crate) fn space_view_columns() -> String {
    format!("{SPACE_COLUMNS}, m.role, s.member_count")
}

pub(crate) fn space_view(c: &mut Cursor<'_>) -> Result<SpaceView> {
    let space = space(c)?;
    let role: Option<String> = c.get()?;
    Ok(SpaceView {
        space,
        role: role
            .map(|r| Role::parse(&r))
            .transpose()
            .map_err(|e| hearth_store::StoreError::Other(format!("unreadable row: {e}")))?,
        member_count: c.get()?,
    })
}

/// The columns of `sessions se` that [`session`] reads.
pub(crate) const SESSION_COLUMNS: &str = "se.id_hash, se.user_id, se.csrf_token, se.created_at, \
    se.last_seen_at, se.expires_at, se.user_agent";

pub(crate) fn session(c: &mut Cursor<'_>) -> Result<Session> {
    Ok(Session {
        id_hash: c.get()?,
        user_id: c.get()?,
        csrf_token: c.get()?,
        created_at: c.get()?,
        last_seen_at: c.get()?,
        expires_at: c.get()?,
        user_agent: c.get()?,
    })
}

/// The columns of `api_tokens t` that [`token`] reads.
pub(crate) const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.name, t.created_at, t.last_used_at";

pub(crate) fn token(c: &mut Cursor<'_>) -> Result<ApiToken> {
    Ok(ApiToken {
        id: c.get()?,
        user_id: c.get()?,
        name: c.get()?,
        created_at: c.get()?,
        last_used_at: c.get()?,
    })
}

/// The columns of `invites i` that [`invite`] reads.
pub(crate) const INVITE_COLUMNS: &str = "i.id, i.email, i.invited_by, i.created_at, i.expires_at";

pub(crate) fn invite(c: &mut Cursor<'_>) -> Result<Invite> {
    Ok(Invite {
        id: c.get()?,
        email: Email::from_trusted(c.get()?),
        invited_by: c.get()?,
        created_at: c.get()?,
        expires_at: c.get()?,
    })
}

/// The columns of `topics t` with its author (`users u`) that [`topic`] reads.
pub(crate) fn topic_columns(d: Dialect) -> String {
    format!(
        "t.id, t.space_id, t.kind, t.title, t.body_md, t.body_html, t.state, t.pinned,
         t.accepted_reply_id, t.draft, t.publish_at, t.version, t.reply_count, t.like_count,
         t.created_at, t.updated_at, t.last_activity_at, t.moderation_note, {},
         (SELECT sp.slug FROM spaces sp WHERE sp.id = t.space_id),
         {USER_COLUMNS}",
        d.tag_list("t.id")
    )
}

pub(crate) fn topic(c: &mut Cursor<'_>) -> Result<Topic> {
    Ok(Topic {
        id: c.get()?,
        space_id: c.get()?,
        kind: c.parse(TopicKind::parse)?,
        title: Title::from_trusted(c.get()?),
        body_md: c.get()?,
        body_html: c.get()?,
        state: c.parse(TopicState::parse)?,
        pinned: c.get()?,
        accepted_reply: c.get()?,
        draft: c.get()?,
        publish_at: c.get()?,
        version: c.get()?,
        reply_count: c.get()?,
        like_count: c.get()?,
        created_at: c.get()?,
        updated_at: c.get()?,
        last_activity_at: c.get()?,
        moderation_note: c.get()?,
        tags: c
            .get::<Option<String>>()?
            .map(|t| {
                t.split(',')
                    .map(|s| Tag::from_trusted(s.to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        space_slug: c.get()?,
        author: user(c)?,
    })
}

/// The columns of `replies r` with its author (`users u`) and whether `$1`
/// likes it, that [`reply`] reads.
pub(crate) fn reply_columns() -> String {
    format!(
        "r.id, r.topic_id, r.parent_id, r.depth, r.body_md, r.body_html, r.deleted, r.edited,
         r.like_count, r.created_at, r.version,
         EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'reply' AND x.target_id = r.id AND x.user_id = $1),
         {USER_COLUMNS}"
    )
}

pub(crate) fn reply(c: &mut Cursor<'_>) -> Result<Reply> {
    Ok(Reply {
        id: c.get()?,
        topic_id: c.get()?,
        parent: c.get()?,
        depth: c.get()?,
        body_md: c.get()?,
        body_html: c.get()?,
        deleted: c.get()?,
        edited: c.get()?,
        like_count: c.get()?,
        created_at: c.get()?,
        version: c.get()?,
        liked: c.get()?,
        author: user(c)?,
    })
}

/// The columns of `revisions v` with its author that [`revision`] reads.
pub(crate) fn revision_columns() -> String {
    format!("v.version, v.title, v.body_md, v.created_at, {USER_COLUMNS}")
}

pub(crate) fn revision(c: &mut Cursor<'_>) -> Result<Revision> {
    Ok(Revision {
        version: c.get()?,
        title: c.get()?,
        body_md: c.get()?,
        created_at: c.get()?,
        author: user(c)?,
    })
}

/// The columns of `attachments a` that [`attachment`] reads.
pub(crate) const ATTACHMENT_COLUMNS: &str = "a.id, a.public_id, a.topic_id, a.reply_id, \
    a.space_id, a.uploader_id, a.blob_hash, a.filename, a.content_type, a.size, a.created_at, \
    a.on_profile";

pub(crate) fn attachment(c: &mut Cursor<'_>) -> Result<Attachment> {
    Ok(Attachment {
        id: c.get()?,
        public_id: c.get()?,
        topic_id: c.get()?,
        reply_id: c.get()?,
        space_id: c.get()?,
        uploader: c.get()?,
        hash: c.get()?,
        filename: c.get()?,
        content_type: c.get()?,
        size: c.get()?,
        created_at: c.get()?,
        on_profile: c.get::<Option<bool>>()?.unwrap_or(false),
    })
}
