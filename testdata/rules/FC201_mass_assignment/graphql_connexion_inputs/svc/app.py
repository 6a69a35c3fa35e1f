import connexion

app = connexion.App(__name__, specification_dir="spec")
app.add_api("api.json")
