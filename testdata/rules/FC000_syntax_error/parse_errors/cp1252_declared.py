# -*- coding: cp1252 -*-
price = "€10"
