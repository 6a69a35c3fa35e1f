GREETING = "Grья Gott"  # expect: FC000
