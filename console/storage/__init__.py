"""The Storage feature: pools, pools found on hosts, their page and its registration."""
