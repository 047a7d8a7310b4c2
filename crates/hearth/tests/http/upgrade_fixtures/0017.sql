-- What the release of 0017_profiles wrote when a member kept a profile
-- (name_key: the folded words of the name and profile, each after a space).
UPDATE users SET title = 'Card librarian', department = 'Operations', location = 'London',
                 about_md = 'I keep the *cards*.', about_html = '<p>I keep the <em>cards</em>.</p>',
                 show_email = FALSE,
                 name_key = ' ben okafor ben card librarian operations london'
 WHERE username = 'ben';
