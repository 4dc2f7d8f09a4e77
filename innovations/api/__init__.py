"""The innovations app's part of /api/v1/: the public catalogue (catalogue.py), the
supplier side (suppliers.py) and the review queue (reviews.py); routes in ../api_urls.py."""
