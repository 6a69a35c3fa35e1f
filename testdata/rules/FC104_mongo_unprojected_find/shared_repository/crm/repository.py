from pymongo import MongoClient

contacts = MongoClient().crm.contacts


def find_contacts(owner):
    # reached by responses in two blueprints: reported once, here
    return contacts.find({"owner": owner})  # expect: FC104


def contact_names(owner):
    return [c["name"] for c in contacts.find({"owner": owner})]
