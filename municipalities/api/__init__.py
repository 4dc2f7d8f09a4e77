"""The municipalities app's part of /api/v1/: the municipality list (municipalities.py),
adoptions and their verification (adoptions.py), challenges (challenges.py); routes in
../api_urls.py."""
