class OrderError(Exception):
    """Raised with a message written for the customer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status
