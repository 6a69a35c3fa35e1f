import requests
from flask_restful import Resource, abort, reqparse

from .store import StoreError, load_item, save_item

parser = reqparse.RequestParser()
parser.add_argument("name", required=True)


class ItemList(Resource):
    def post(self):
        args = parser.parse_args()
        try:
            item = save_item(args["name"])
        except StoreError as e:
            # ok: the store's own error messages are written for clients
            return {"message": str(e)}, 400
        except Exception as e:
            return {"message": "could not save item", "error": str(e)}, 500  # expect: FC501
        return {"id": item["id"]}, 201


class ItemResource(Resource):
    def get(self, item_id):
        try:
            return load_item(item_id)
        except requests.RequestException as e:
            abort(502, message=f"upstream failed: {e}")  # expect: FC501

    def delete(self, item_id):
        try:
            load_item(item_id)
        except LookupError:
            # ok: no exception text
            abort(404, message="no such item")
        return "", 204
