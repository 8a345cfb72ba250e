app_name = "contingency"
urlpatterns: list = []
