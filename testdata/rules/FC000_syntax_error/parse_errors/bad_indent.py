x = 1
	if x:  # expect: FC000
