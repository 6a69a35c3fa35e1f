def profile(:  # expect: FC000
    return None
