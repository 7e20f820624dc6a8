"""The Audit feature: its registration (the page itself is console.pages.audit_page)."""
