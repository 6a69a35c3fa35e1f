AUDIT_TABLE = "crm_audit"
CUSTOMER_COLUMNS = "id, name, email"
