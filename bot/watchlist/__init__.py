"""The watchlist: published alerts the security team keeps, matched against every report."""
