class StagingSettings:
    DEBUG: bool = True  # expect: FC503
