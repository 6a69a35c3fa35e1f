# -*- coding: latin-1 -*-
GREETING = "Grüß Gott"
