"""The policy headers of every response (settings.PERMISSIONS_POLICY and
settings.CONTENT_SECURITY_POLICY): what the pages may use and load."""

# Sent by portal.security.SecurityMiddleware on every response: no powerful feature is used.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), interest-cohort=()"
)

# Content Security Policy (django-csp 4): everything from this host, no inline script or
# style; data: images for the icons inside the Swagger UI stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
