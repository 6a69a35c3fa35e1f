FEATURE_COMMENTS = True
DEBUG = True  # expect: FC503
