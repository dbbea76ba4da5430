int dummy_info;
