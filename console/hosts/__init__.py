"""The Hosts feature: its registration (the page itself is console.pages.hosts_page)."""
