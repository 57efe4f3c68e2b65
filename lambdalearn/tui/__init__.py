"""The Textual study app. Screens present and ask; the services in `study` and `progress` do the work."""
