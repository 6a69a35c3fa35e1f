class Settings:
    DEBUG = True  # expect: FC503
    PER_PAGE = 20
