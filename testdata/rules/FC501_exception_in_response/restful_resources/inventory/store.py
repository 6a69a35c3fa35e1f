import requests


class StoreError(Exception):
    pass


def load_item(item_id):
    response = requests.get(f"https://store.internal/items/{item_id}", timeout=5)
    response.raise_for_status()
    return response.json()


def save_item(name):
    if not name.strip():
        raise StoreError("name must not be blank")
    return {"id": 1, "name": name}
