class Queries:
    MONTHLY = "SELECT month, SUM(total) AS revenue FROM sales GROUP BY month"
    BY_REGION = "SELECT region, SUM(total) AS revenue FROM sales WHERE year = {year} GROUP BY region"
    TABLE = "sales"
