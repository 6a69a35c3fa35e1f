print "hello, world"  # expect: FC000
