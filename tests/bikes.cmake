# The bike register and the receipts: the pure rules (the marking identifier, the hold of a
# donated marked bike, typed sums of money), and their fuzz targets.
etabli_test(bikes_unit_tests unit bikes/test_bike_rules.cpp)
target_link_libraries(bikes_unit_tests PRIVATE etabli_core)

etabli_fuzz(marking etabli_core)
etabli_fuzz(amount etabli_core)
