//! The directory of people, and the profiles people keep themselves:
//! members edit their own, administrators anyone's (audited).

use hearth_core::avatar::make_avatar;
use hearth_core::ids::UserId;
use hearth_core::model::{AuditAction, UserStatus};
use hearth_core::names::{DisplayName, Email, Username, check_about, profile_line};
use hearth_core::permissions::{SpaceAction, Viewer};
use hearth_core::search::{MAX_QUERY_CHARS, words};
use hearth_store::{AvatarFile, AvatarSize, PeopleQuery, Person, ProfileChange, ProfileDetails};

use crate::access::{find, guest_access};
use crate::auth::Authenticated;
use crate::work::Work;
use crate::{AppError, Ctx, FieldError, Result};

/// The most words of a directory search.
const MAX_DIRECTORY_WORDS: usize = 8;

/// What the directory is asked for.
#[derive(Debug, Clone, Default)]
pub struct DirectoryInput {
    /// Words that begin words of a name, username, title, department or
    /// location.
    pub q: String,
    /// Only members of this space.
    pub space: Option<String>,
    /// Locked and deleted accounts too (administrators only).
    pub any_status: bool,
    /// The last person of the page before.
    pub after: Option<UserId>,
    /// How many at most.
    pub limit: u32,
}

/// A page of the directory of people, in the order of their names. The
/// directory is for signed-in members; a space filter names a space the
/// reader may read.
pub async fn directory(ctx: &Ctx, viewer: Viewer, input: DirectoryInput) -> Result<Vec<Person>> {
    if viewer == Viewer::Guest {
        return Err(AppError::Unauthorized(
            "sign in to see the directory of people".into(),
        ));
    }
    if input.q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::invalid(
            "q",
            format!("must be at most {MAX_QUERY_CHARS} characters long"),
        ));
    }
    let mut words = words(&input.q);
    words.truncate(MAX_DIRECTORY_WORDS);
    let space = match input.space.as_deref().filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            find(ctx, viewer, slug, SpaceAction::Read)
                .await?
                .view
                .space
                .id,
        ),
        None => None,
    };
    Ok(ctx
        .store
        .people(PeopleQuery {
            words,
            space,
            any_status: input.any_status && viewer.is_admin(),
            after: input.after,
            limit: input.limit,
        })
        .await?)
}

/// The e-mail address `viewer` sees of `person`: shown by choice, and
/// always to themselves and to administrators.
pub fn shown_email(person: &Person, viewer: Viewer) -> Option<&Email> {
    let own = viewer.user_id() == Some(person.user.id);
    (person.details.show_email || own || viewer.is_admin()).then_some(&person.user.email)
}

/// The account of `username` that `viewer` may see: deleted accounts are
/// gone, and guests see people only where guest access is on.
pub async fn visible_person(ctx: &Ctx, viewer: Viewer, username: &str) -> Result<Person> {
    let username = Username::parse(username).map_err(|_| AppError::NotFound)?;
    guest_access(ctx, viewer).await?;
    ctx.store
        .person(&username)
        .await?
        .filter(|p| p.user.status != UserStatus::Deleted)
        .ok_or(AppError::NotFound)
}

/// Whether `viewer` may change `person`'s profile: their own, or anyone's
/// for an administrator.
pub fn may_edit(viewer: Viewer, person: &Person) -> bool {
    viewer.is_admin() || viewer.user_id() == Some(person.user.id)
}

/// The account of `username`, for `who` to change (see [`may_edit`]).
pub async fn editable_person(ctx: &Ctx, who: &Authenticated, username: &str) -> Result<Person> {
    let person = visible_person(ctx, who.viewer(), username).await?;
    if !may_edit(who.viewer(), &person) {
        return Err(AppError::Forbidden(
            "you may change only your own profile".into(),
        ));
    }
    Ok(person)
}

/// Changes to a profile; `None` keeps a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileInput {
    /// The shown name.
    pub display_name: Option<String>,
    /// The e-mail address (administrators only, until addresses can be
    /// confirmed by e-mail).
    pub email: Option<String>,
    /// What they do.
    pub title: Option<String>,
    /// Where in the organisation.
    pub department: Option<String>,
    /// Where they are.
    pub location: Option<String>,
    /// A few words about them, in Markdown.
    pub about: Option<String>,
    /// Whether others see their e-mail address.
    pub show_email: Option<bool>,
}

/// Reads every field given, collecting all the errors rather than the first.
fn parse_profile(
    person: &Person,
    input: &ProfileInput,
) -> Result<(DisplayName, Email, ProfileDetails)> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut note = |e: hearth_core::CoreError| {
        if let AppError::Invalid(mut fields) = AppError::from(e) {
            errors.append(&mut fields);
        }
    };
    let old = &person.details;
    let display_name = match &input.display_name {
        Some(name) => DisplayName::parse(name).map_err(&mut note).ok(),
        None => Some(person.user.display_name.clone()),
    };
    let email = match &input.email {
        Some(email) => Email::parse(email).map_err(&mut note).ok(),
        None => Some(person.user.email.clone()),
    };
    let mut line = |field: &'static str, given: &Option<String>, old: &str| match given {
        Some(text) => profile_line(field, text)
            .map_err(&mut note)
            .unwrap_or_default(),
        None => old.to_owned(),
    };
    let title = line("title", &input.title, &old.title);
    let department = line("department", &input.department, &old.department);
    let location = line("location", &input.location, &old.location);
    let about_md = match &input.about {
        Some(about) => {
            if let Err(e) = check_about(about) {
                note(e);
            }
            about.trim().to_owned()
        }
        None => old.about_md.clone(),
    };
    match (display_name, email) {
        (Some(display_name), Some(email)) if errors.is_empty() => Ok((
            display_name,
            email,
            ProfileDetails {
                title,
                department,
                location,
                about_md,
                about_html: old.about_html.clone(),
                show_email: input.show_email.unwrap_or(old.show_email),
            },
        )),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// `who` changes the profile of `username`: their own, or anyone's for an
/// administrator, whose changes to others are audited. Members cannot
/// change their own e-mail address yet (it is confirmed by e-mail once the
/// site sends mail); administrators can. Returns the profile as it now is.
pub async fn update_profile(
    ctx: &Ctx,
    who: &Authenticated,
    username: &str,
    input: &ProfileInput,
) -> Result<Person> {
    let person = editable_person(ctx, who, username).await?;
    let (display_name, email, mut details) = parse_profile(&person, input)?;
    if email != person.user.email && !who.user.is_admin {
        return Err(AppError::Forbidden(
            "a new address is confirmed from it: change it on your account page".into(),
        ));
    }
    let mut about_files = Vec::new();
    if details.about_md != person.details.about_md {
        details.about_html = if details.about_md.is_empty() {
            String::new()
        } else {
            let rendered = crate::markup::render(ctx, &details.about_md).await?;
            about_files = rendered.files;
            rendered.html
        };
    }
    let audit = (person.user.id != who.user.id).then(|| {
        crate::audit::event(
            ctx,
            who,
            AuditAction::UserProfile,
            format!("user:{}", person.user.id),
            None,
            Some(format!(
                "{} <{}>",
                person.user.display_name, person.user.email
            )),
            Some(format!("{display_name} <{email}>")),
        )
    });
    let change = ProfileChange {
        display_name,
        email,
        details,
        about_files,
    };
    ctx.store
        .update_profile(person.user.id, change, audit.flatten())
        .await?;
    tracing::info!(by = %who.user.username, user = %person.user.username, "profile changed");
    visible_person(ctx, who.viewer(), username).await
}

/// `who` gives `username` a picture (their own, or anyone's for an
/// administrator): a PNG, JPEG or WebP file, scaled on the work threads.
pub async fn set_avatar(
    ctx: &Ctx,
    who: &Authenticated,
    username: &str,
    file: Vec<u8>,
) -> Result<Person> {
    let person = editable_person(ctx, who, username).await?;
    let files = ctx
        .work
        .run(Work::Images, move || make_avatar(&file))
        .await??;
    let audit = avatar_audit(ctx, who, &person, "set");
    ctx.store
        .set_avatar(person.user.id, Some(files.jpegs), ctx.now(), audit)
        .await?;
    visible_person(ctx, who.viewer(), username).await
}

/// `who` removes the picture of `username`; initials show instead.
pub async fn remove_avatar(ctx: &Ctx, who: &Authenticated, username: &str) -> Result<Person> {
    let person = editable_person(ctx, who, username).await?;
    let audit = avatar_audit(ctx, who, &person, "removed");
    ctx.store
        .set_avatar(person.user.id, None, ctx.now(), audit)
        .await?;
    visible_person(ctx, who.viewer(), username).await
}

fn avatar_audit(
    ctx: &Ctx,
    who: &Authenticated,
    person: &Person,
    what: &str,
) -> Option<hearth_store::NewAuditEvent> {
    if person.user.id == who.user.id {
        return None;
    }
    crate::audit::event(
        ctx,
        who,
        AuditAction::UserAvatar,
        format!("user:{}", person.user.id),
        None,
        person.avatar.clone(),
        Some(what.to_owned()),
    )
}

/// One size of the picture of `username`, for whoever may see the profile.
pub async fn avatar(
    ctx: &Ctx,
    viewer: Viewer,
    username: &str,
    size: AvatarSize,
) -> Result<AvatarFile> {
    let person = visible_person(ctx, viewer, username).await?;
    ctx.store
        .avatar(person.user.id, size)
        .await?
        .ok_or(AppError::NotFound)
}
