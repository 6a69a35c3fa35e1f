# -*- coding: uft-8 -*-  # expect: FC000
x = 1
