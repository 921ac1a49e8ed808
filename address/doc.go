// Package address normalizes and matches French postal addresses the way
// OVH (AFNOR style) and La Poste spell them: folding, house numbers with
// repetition indexes, one-column address splitting, zip and INSEE repair,
// street-type and title abbreviations, and street/city similarity scores.
//
// It is pure: no I/O, no API types.
//
// Street scores (StreetScore, Prepared.Score) are calibrated for a pick
// threshold around 0.8 and an ambiguity margin around 0.05:
//
//	1.00       equal once folded ("rue de l'Église" / "RUE DE L EGLISE")
//	0.98       equal once abbreviations, titles, ordinals and plurals are
//	           canonicalized ("av du gal de gaulle" / "AVENUE DU GENERAL DE GAULLE")
//	0.93       one name is the other cut at a length limit
//	≈0.88      street type missing on one side ("des Lilas" / "RUE DES LILAS")
//	≤0.80      different street types ("RUE DES LILAS" / "IMPASSE DES LILAS")
//	below      weighted token similarity: articles weigh 0.1, ranks (GENERAL,
//	           DOCTEUR …) 0.2, other words 1; typos count only from 4 letters
//	           and 70 % similarity, numbers must be equal.
//
// Ambiguous codes (CR, CHE, PR, GR, CC, ZA …) are read every possible way
// and the best reading kept. Street lists are scored for every row, so
// names are prepared once with PrepareStreet; Prepared.Score does not
// allocate.
package address
