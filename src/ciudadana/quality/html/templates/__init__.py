"""The Jinja2 template of the HTML report."""
