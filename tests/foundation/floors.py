"""The floors of the house, lowest first: the same order as the layers
contract in pyproject.toml, for what import-linter cannot see (templates
that include or link to another floor's templates and URL names)."""

FLOORS = [
    "submissions",
    "services",
    "security",
    "clients",
    "keywork",
    "contingency",
    "outcomes",
    "audit",
    "reporting",
    "interchange",
]
# reporting and interchange share the top floor: neither sits above the other.
RANK = {app: i for i, app in enumerate(FLOORS)}
RANK["interchange"] = RANK["reporting"]

# Template folders (templates/<folder>/) by the app whose screens they are.
TEMPLATE_FOLDERS = {
    "services": "services",
    "account": "security",
    "mfa": "security",
    "registration": "security",
    "clients": "clients",
    "keywork": "keywork",
    "contingency": "contingency",
    "outcomes": "outcomes",
    "audit": "audit",
    "dashboards": "reporting",
    "returns": "reporting",
    "interchange": "interchange",
}
# The page chrome (base.html, the navigation, error pages) belongs to the
# project and may link to any floor; any floor may use it.
CHROME_FOLDERS = {"", "includes", "errors", "admin", "components"}

# URL namespaces by app; names outside a namespace are the tenant's or
# security's (home, healthz, login, logout, admin_login).
URL_NAMESPACES = {
    "admin": "services",  # Django's admin site, for administrators of the tenant
    "clients": "clients",
    "keywork": "keywork",
    "contingency": "contingency",
    "outcomes": "outcomes",
    "audit": "audit",
    "security": "security",
    "dashboards": "reporting",
    "returns": "reporting",
    "interchange": "interchange",
}
PLAIN_URL_NAMES = {
    "home": "services",
    "healthz": "services",
    "login": "security",
    "logout": "security",
    "admin_login": "security",
}
