"""The editor at /admin/ (Decap CMS): its configuration generated from the post model (`config`), the data its
script reads (`data`) and the build step that writes both with Decap's bundle into the site (`build`)."""
